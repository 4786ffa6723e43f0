import Cairn
@testable import CairnEmail
import Foundation
import Testing

/// Addresses, encodings and the rendered message, without a relay.
@Suite struct EmailMessageTests {
    @Test(arguments: [
        ("ada@example.com", "ada@example.com", nil),
        ("Ada Lovelace <ada@example.com>", "ada@example.com", "Ada Lovelace"),
        ("\"Lovelace, Ada\" <ada@example.com>", "ada@example.com", "Lovelace, Ada"),
        ("\"Say \\\"hi\\\"\" <x.y+tag@sub.example.org>", "x.y+tag@sub.example.org", "Say \"hi\""),
        ("Zoë Ünal <zoe@[192.0.2.1]>", "zoe@[192.0.2.1]", "Zoë Ünal"),
    ] as [(String, String, String?)])
    func addressesParse(_ text: String, _ address: String, _ name: String?) throws {
        let parsed = try Email.Address(parsing: text)
        #expect(parsed.address == address)
        #expect(parsed.name == name)
    }

    @Test(arguments: [
        ("ada", "not an e-mail address"),
        ("ada@", "not an e-mail address"),
        ("a..b@example.com", "local part"),
        (".a@example.com", "local part"),
        ("ada@exa mple.com", "domain"),
        ("ada@-example.com", "domain"),
        ("ada@example.com\r\nBcc: eve@example.com", "header injection"),
        ("Ada\n <ada@example.com>", "header injection"),
        ("\"Ada <ada@example.com>", "unclosed quote"),
        ("Ada <a@example.com>, Bob <b@example.com>", "more than one address"),
        (String(repeating: "a", count: 65) + "@example.com", "too long"),
    ])
    func badAddressesAreRefusedSayingWhy(_ text: String, _ mention: String) throws {
        let error = try #require(throws: Email.InvalidMessage.self) { try Email.Address(parsing: text) }
        #expect(error.message.contains(mention), "\(error.message)")
    }

    @Test func quotedPrintableKeepsLinesShortAndRoundTrips() {
        let text = "Grüße aus Köln — " + String(repeating: "é", count: 60) + " trailing space \n= sign\tand a tab\t\nline"
        let encoded = MIMEEncoding.quotedPrintable(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.contains("=3D sign"))
        #expect(encoded.contains("sign\tand a tab=09\r\n"))       // a tab before the line end is encoded, the one inside is not
        // Decoding: soft breaks removed, =XX back to bytes.
        var bytes: [UInt8] = []
        let joined = Array(encoded.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < joined.count {
            if joined[index] == UInt8(ascii: "="), let byte = UInt8(String(decoding: joined[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(joined[index])
                index += 1
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func encodedWordsHoldWholeCharactersAndFitALine() {
        let subject = "Willkommen 👋🏽 bei Cairn, " + String(repeating: "ß", count: 50)
        let words = MIMEEncoding.encodedWords(subject)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.utf8.count <= 68 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word -> String in
            let base64 = word.dropFirst(10).dropLast(2)
            return String(decoding: Data(base64Encoded: String(base64)) ?? Data(), as: UTF8.self)
        }
        #expect(!decoded.contains { $0.contains("\u{FFFD}") })      // no character split between words
        #expect(decoded.joined() == subject)
    }

    @Test func theRenderedMessageHasCRLFShortLinesAndNoBcc() throws {
        var message = Email.Message(from: try .init(parsing: "Cairn <hello@example.com>"),
                                    to: (1...6).map { try! Email.Address("user\($0)@example.com", name: "User Number \($0)") },
                                    bcc: [try .init(parsing: "audit@example.com")], subject: "Hello")
        message.text = "plain"
        message.attachments = [Email.Attachment(filename: "rapport financier très détaillé pour l’année 2026.csv", data: Data("a,b\n1,2\n".utf8))]
        let rendered = String(decoding: message.rendered(messageID: "<a.b.c@example.com>", date: Date(timeIntervalSince1970: 0)), as: UTF8.self)
        let lines = rendered.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 && !$0.contains("\n") && !$0.contains("\r") })
        #expect(!rendered.lowercased().contains("audit@"))
        #expect(rendered.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(rendered.contains("Message-ID: <a.b.c@example.com>\r\n"))
        #expect(rendered.contains("filename*0*=UTF-8''"))
        #expect(message.recipients == (1...6).map { "user\($0)@example.com" } + ["audit@example.com"])
    }

    @Test func aMessageIDFromALongInstanceIDStillFitsItsLineAndCustomHeadersKeepTheirForm() throws {
        var message = Email.Message(from: try .init(parsing: "hello@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "one")
        let unsubscribe = "<https://example.com/unsubscribe?token=" + String(repeating: "a1b2c3", count: 15) + ">, <mailto:unsubscribe@example.com>"
        message.headers = [("List-Unsubscribe", unsubscribe), ("References", "<a@example.com>  <b@example.com>")]
        let id = Email.messageID(instance: "0193a5f2-7c1e-7d4a-9b3e-5f6a7b8c9d0e", step: "send the welcome mail now", message: message, domain: "mail.example.com")
        #expect(id.hasPrefix("<0193a5f2-7c1e-7d.send-the-wel."))
        #expect(id != Email.messageID(instance: "0193a5f2-7c1e-7d4a-9b3e-5f6a7b8c9d0f", step: "send the welcome mail now", message: message, domain: "mail.example.com"))
        let rendered = String(decoding: message.rendered(messageID: id, date: Date()), as: UTF8.self)
        let line = try #require(rendered.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID:") })
        #expect(line == "Message-ID: \(id)" && line.utf8.count <= 78)
        // An ASCII header value is never encoded: unfolded, it is the value as given.
        let unfolded = rendered.replacingOccurrences(of: "\r\n ", with: " ")
        #expect(unfolded.contains("List-Unsubscribe: " + unsubscribe + "\r\n"))
        #expect(unfolded.contains("References: <a@example.com>  <b@example.com>\r\n"))
        #expect(!rendered.components(separatedBy: "\r\n").contains { !$0.isEmpty && $0.allSatisfy { $0 == " " } })
    }

    @Test func theLoopbackRuleIsAboutAddressesNotNamesThatLookLikeThem() throws {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "[::1]"] {
            #expect(throws: Never.self) { try Email.Relay(url: "smtp://\(host):25", security: Email.Relay.Security.none) }
        }
        for host in ["127.evil.example", "127.0.0.1.nip.io", "10.0.0.1"] {
            let error = try #require(throws: Email.InvalidMessage.self) { try Email.Relay(url: "smtp://\(host):25", security: Email.Relay.Security.none) }
            #expect(error.message.contains("loopback"))
        }
        let leaked = try #require(throws: Email.InvalidMessage.self) { try Email.Relay(url: "smtp://user:hunter2@mail.example.com/x") }
        #expect(!leaked.message.contains("hunter2"), "\(leaked.message)")
    }

    @Test func theMessageIDIsStableForTheSameContentAndDiffersOtherwise() throws {
        var message = Email.Message(from: try .init(parsing: "hello@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "one")
        let first = Email.messageID(instance: "signup-42", step: "welcome mail", message: message, domain: "mail.example.com")
        #expect(first == Email.messageID(instance: "signup-42", step: "welcome mail", message: message, domain: "mail.example.com"))
        #expect(first.hasPrefix("<signup-42.welcome-mail.") && first.hasSuffix("@mail.example.com>"))
        #expect(first != Email.messageID(instance: "signup-43", step: "welcome mail", message: message, domain: "mail.example.com"))
        #expect(first != Email.messageID(instance: "signup-42", step: "welcome-mail", message: message, domain: "mail.example.com"))
        message.text = "two"
        #expect(first != Email.messageID(instance: "signup-42", step: "welcome mail", message: message, domain: "mail.example.com"))
    }

    @Test(arguments: [
        (["to": "ada@example.com", "subject": "Hi\r\nBcc: eve@example.com", "text": "x"], "subject"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "headers": ["X-Tag": "a\nB: c"]], "headers: X-Tag"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "headers": ["Bcc": "eve@example.com"]], "headers: Bcc"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "headers": ["Bad Name": "v"]], "not a header name"),
        (["to": .array([]), "subject": "Hi", "text": "x"], "all empty"),
        (["to": ["ada@example.com", "nope"], "subject": "Hi", "text": "x"], "to[1]"),
        (["to": "ada@example.com", "cc": "bad@@example.com", "subject": "Hi", "text": "x"], "cc:"),
        (["to": "ada@example.com", "text": "x"], "subject is missing"),
        (["to": "ada@example.com", "subject": "Hi"], "no body"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "attachments": [["content": "%%%", "filename": "a.txt"]]], "attachments[0].content"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "attachments": [["content": "YQ=="]]], "filename"),
        (["to": "ada@example.com", "subject": "Hi", "text": "x", "on_uncertain": "maybe"], "on_uncertain"),
        (["to": "ada@example.com", "subject": "Hi", "text_file": "mail/x.txt"], "text_file"),
    ] as [(JSONValue, String)])
    func argumentsAreCheckedNamingTheField(_ arguments: JSONValue, _ mention: String) throws {
        let action = try #require(EmailPlugin().actions["send"])
        let error = try #require(throws: WorkflowError.self) { try action.validate(arguments) }
        #expect(error.message.contains(mention), "\(error.message)")
    }

    @Test(arguments: [
        (["url": "http://mail.example.com"], "not an SMTP relay"),
        (["url": "smtp://mail.example.com:25", "tls": "none"], "loopback"),
        (["url": "smtps://mail.example.com", "tls": "starttls"], "smtps://"),
        (["url": "smtp://mail.example.com", "tls": "implicit"], "smtps:// url"),
        (["url": "smtp://mail.example.com", "tls": "sometimes"], "not one of"),
        (["url": "smtp://mail.example.com:99999"], "port 99999"),
        (["url": "smtp://mail.example.com", "ca_file": "/etc/hostname"], "not a readable PEM file"),
        (["url": "smtp://mail.example.com", "attachments_dir": "/nonexistent/outbox"], "not a directory"),
        (["url": "smtp://mail.example.com", "username": "u"], "both username and password"),
        (["url": "smtp://mail.example.com", "colour": "blue"], "no setting 'colour'"),
        (["url": "smtp://mail.example.com", "timeout": "soon"], "timeout"),
        (["url": "smtp://mail.example.com", "ca_file": "/nonexistent/ca.pem"], "ca_file"),
        (["url": "smtp://mail.example.com", "from": "not an address"], "from:"),
        ([:], "url is missing"),
    ] as [(JSONValue, String)])
    func settingsAreCheckedNamingTheKey(_ settings: JSONValue, _ mention: String) throws {
        let error = try #require(throws: WorkflowError.self) { try EmailPlugin().checkSettings(settings) }
        #expect(error.message.contains(mention), "\(error.message)")
    }

    @Test func starttlsIsTheDefaultForSMTPAndNoneIsAllowedOnLoopback() throws {
        #expect(try Email.Relay(url: "smtp://mail.example.com").security == .starttls)
        #expect(try Email.Relay(url: "smtps://mail.example.com").port == 465)
        #expect(try Email.Relay(url: "smtp://127.0.0.1:2525", security: Email.Relay.Security.none).curlURL.hasPrefix("smtp://127.0.0.1:2525/"))
    }
}
