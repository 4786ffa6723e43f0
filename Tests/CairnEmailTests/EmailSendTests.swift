import Cairn
@testable import CairnEmail
import CairnTesting
import Foundation
import Testing

/// Sends through a real SMTP server (aiosmtpd on loopback) and reads what it received.
@Suite struct EmailSendTests {
    static func relay(_ sink: SMTPSink, timeout: Duration = .seconds(20), username: String? = nil, password: String? = nil) throws -> Email.Relay {
        try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", security: Email.Relay.Security.none, username: username, password: password,
                        timeout: timeout, helo: "cairn.test")
    }

    @Test func aFullMessageArrivesAsWrittenAndParsesCleanly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        defer { sink.stop() }
        let pdf = Data((0..<3000).map { UInt8($0 % 251) })
        let subject = "  Willkommen bei Cairn, Zoë 👋 —  " + String(repeating: "ein sehr langer Betreff ", count: 4)
        let text = "Hallo Zoë,\n\n.a line starting with a dot\n" + String(repeating: "ä", count: 120) + "\nbye \n"
        let html = "<p>Hallo <b>Zoë</b> = 1</p>\n<p>" + String(repeating: "x", count: 200) + "</p>"
        var message = Email.Message(from: try .init(parsing: "\"Cairn Bot\" <bot@example.com>"),
                                    to: [try .init(parsing: "Zoë Ünal <zoe@example.com>"), try .init(parsing: "ada@example.com")],
                                    cc: [try .init(parsing: "\"Lovelace, Ada\" <ada.cc@example.com>")],
                                    bcc: [try .init(parsing: "audit@example.com")], replyTo: [try .init(parsing: "help@example.com")],
                                    subject: subject, text: text, html: html,
                                    headers: [("List-Unsubscribe", "<https://example.com/u/42>"), ("X-Note", "naïve café")])
        message.attachments = [Email.Attachment(filename: "résumé.pdf", data: pdf), Email.Attachment(filename: "a.csv", data: Data("a,b\r\n1,2\r\n".utf8))]
        let id = Email.messageID(instance: "i-1", step: "welcome", message: message, domain: "cairn.test")
        let receipt = try await Email.send(message, relay: try Self.relay(sink), messageID: id)
        #expect(receipt.code == 250 && receipt.reply.contains("queued as 0001"))
        #expect(receipt.accepted == ["zoe@example.com", "ada@example.com", "ada.cc@example.com", "audit@example.com"])
        #expect(receipt.refused.isEmpty && !receipt.uncertain)

        let mail = try #require(try await sink.messages(count: 1).first)
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.maxLine <= 78 && !mail.bareLF)
        #expect(mail.subject == subject)
        #expect(mail.text == text)
        #expect(mail.html == html)
        #expect(mail.messageID == id)
        #expect(mail.header("From") == "Cairn Bot <bot@example.com>")
        #expect(mail.header("To") == "Zoë Ünal <zoe@example.com>, ada@example.com")
        #expect(mail.header("Cc") == "\"Lovelace, Ada\" <ada.cc@example.com>")
        #expect(mail.header("Reply-To") == "help@example.com")
        #expect(mail.header("Bcc") == nil)
        #expect(mail.header("X-Note") == "naïve café")
        #expect(mail.header("List-Unsubscribe") == "<https://example.com/u/42>")
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Date")?.hasSuffix("+0000") == true)
        #expect(mail.contentType == "multipart/mixed")
        #expect(mail.mailFrom == "bot@example.com")
        #expect(mail.rcptTos == ["zoe@example.com", "ada@example.com", "ada.cc@example.com", "audit@example.com"])
        #expect(mail.attachments.map(\.filename) == ["résumé.pdf", "a.csv"])
        #expect(mail.attachments.map(\.contentType) == ["application/pdf", "text/csv"])
        #expect(mail.attachments.first?.data == pdf)
        #expect(mail.attachments.last?.data == Data("a,b\r\n1,2\r\n".utf8))
    }

    @Test func authIsRequiredAndAWrongPasswordIsNotRetried() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"), auth: ("cairn", "s3cret"))
        defer { sink.stop() }
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
        let receipt = try await Email.send(message, relay: try Self.relay(sink, username: "cairn", password: "s3cret"), messageID: "<t@cairn.test>")
        #expect(receipt.code == 250)
        #expect(try await sink.messages(count: 1).first?.authenticated == true)

        let error = await #expect(throws: NonRetryableError.self) {
            try await Email.send(message, relay: try Self.relay(sink, username: "cairn", password: "wrong"), messageID: "<t@cairn.test>")
        }
        #expect(error?.message.contains("535") == true, "\(String(describing: error))")
        #expect(error?.message.contains("username and password") == true)
        #expect(!(error?.message.contains("wrong") ?? true))
        // Without credentials the relay refuses MAIL: 530, also final.
        await #expect(throws: NonRetryableError.self) { try await Email.send(message, relay: try Self.relay(sink), messageID: "<t@cairn.test>") }
        #expect(try sink.received().count == 1)
    }

    @Test func starttlsIsRequiredAndTheCertificateIsTrustedThroughCAFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tls = try SelfSignedCertificate(in: dir.path)
        let certificate = tls.certificate, key = tls.key
        let sink = try await SMTPSink.start(in: dir.file("sink"), auth: ("cairn", "s3cret"), tls: (certificate, key))
        defer { sink.stop() }
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Über TLS", text: "sicher")
        let trusted = try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", username: "cairn", password: "s3cret", helo: "cairn.test", caFile: certificate)
        #expect(trusted.security == .starttls)
        let receipt = try await Email.send(message, relay: trusted, messageID: "<t@cairn.test>")
        #expect(receipt.code == 250)
        let mail = try #require(try await sink.messages(count: 1).first)
        #expect(mail.tls && mail.authenticated && mail.subject == "Über TLS")

        // The system's roots do not know the throwaway CA: refused, not retried, nothing sent.
        let untrusted = try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", username: "cairn", password: "s3cret", helo: "cairn.test")
        let error = await #expect(throws: NonRetryableError.self) { try await Email.send(message, relay: untrusted, messageID: "<t@cairn.test>") }
        #expect(error?.message.contains("ca_file") == true, "\(String(describing: error))")
        #expect(try sink.received().count == 1)
    }

    @Test func aRelayWithoutSTARTTLSIsRefusedRatherThanSentInTheClear() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        defer { sink.stop() }
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
        let relay = try Email.Relay(url: "smtp://127.0.0.1:\(sink.port)", helo: "cairn.test")     // starttls by default
        let error = await #expect(throws: NonRetryableError.self) { try await Email.send(message, relay: relay, messageID: "<t@cairn.test>") }
        #expect(error?.message.contains("TLS") == true, "\(String(describing: error))")
        #expect(try sink.received().isEmpty)
    }

    @Test func anUnreachableRelayIsRetryable() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        let port = sink.port
        sink.stop()         // nothing listens there now
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
        let relay = try Email.Relay(url: "smtp://127.0.0.1:\(port)", security: Email.Relay.Security.none, helo: "cairn.test")
        let error = await #expect(throws: SMTPRetryableError.self) { try await Email.send(message, relay: relay, messageID: "<t@cairn.test>") }
        #expect(error?.uncertain == false)
        #expect(error?.errorName == "SMTPRetryableError")
    }

    @Test func refusedRecipientsFailWhenAllAreRefusedAndAreListedWhenSomeAre() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        defer { sink.stop() }
        let relay = try Self.relay(sink)
        let all = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "reject-me@example.com")], subject: "Hi", text: "x")
        let error = await #expect(throws: NonRetryableError.self) { try await Email.send(all, relay: relay, messageID: "<t@cairn.test>") }
        #expect(error?.message.contains("550") == true && error?.message.contains("reject-me@example.com") == true, "\(String(describing: error))")

        let some = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "reject-me@example.com"), try .init(parsing: "ada@example.com")],
                                 subject: "Hi", text: "x")
        let receipt = try await Email.send(some, relay: relay, messageID: "<t@cairn.test>")
        #expect(receipt.accepted == ["ada@example.com"])
        #expect(receipt.refused.map(\.address) == ["reject-me@example.com"] && receipt.refused.first?.code == 550)
        #expect(receipt.jsonValue["refused"]?[0]?["reply"]?.stringValue?.contains("mailbox unavailable") == true)
        let mail = try await sink.messages(count: 1)
        #expect(mail.count == 1 && mail[0].rcptTos == ["ada@example.com"])

        // Every recipient refused, one of them only for now: worth a retry, whatever the order.
        for order in [["reject-a@example.com", "later-b@example.com"], ["later-b@example.com", "reject-a@example.com"]] {
            let mixed = Email.Message(from: try .init(parsing: "bot@example.com"), to: try order.map { try .init(parsing: $0) }, subject: "Hi", text: "x")
            await #expect(throws: SMTPRetryableError.self) { try await Email.send(mixed, relay: relay, messageID: "<t@cairn.test>") }
        }
        // A 4xx for every recipient: try later.
        let later = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "later@example.com")], subject: "Hi", text: "x")
        let temporary = await #expect(throws: SMTPRetryableError.self) { try await Email.send(later, relay: relay, messageID: "<t@cairn.test>") }
        #expect(temporary?.code == 451)
    }

    @Test func aMessageOverMaxMessageBytesIsRefusedBeforeConnecting() async throws {
        let relay = try Email.Relay(url: "smtp://127.0.0.1:9", security: Email.Relay.Security.none, helo: "cairn.test")
        var message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "x")
        message.attachments = [Email.Attachment(filename: "big.bin", data: Data(count: 3000))]
        let error = await #expect(throws: NonRetryableError.self) { try await Email.send(message, relay: relay, messageID: "<t@cairn.test>", maxMessageBytes: 2000) }
        #expect(error?.message.contains("max_message_bytes is 2000") == true, "\(String(describing: error))")
    }

    @Test func concurrentSendsShareNothingAndAllArrive() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        defer { sink.stop() }
        let relay = try Self.relay(sink)
        // More sends than the pool's four threads: the rest queue, none is lost or mixed up.
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<10 {
                group.addTask {
                    let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "user\(index)@example.com")],
                                                subject: "Message \(index)", text: "Body \(index)")
                    return try await Email.send(message, relay: relay, messageID: "<m\(index)@cairn.test>").messageID
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 10)
        let mails = try await sink.messages(count: 10)
        for mail in mails {
            let index = try #require(mail.subject.split(separator: " ").last.map(String.init))
            #expect(mail.text == "Body \(index)" && mail.rcptTos == ["user\(index)@example.com"] && mail.messageID == "<m\(index)@cairn.test>")
        }
    }

    @Test func implicitTLSWithSmtpsAndARefusalOfTheMessageItself() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tls = try SelfSignedCertificate(in: dir.path)
        let certificate = tls.certificate, key = tls.key
        let sink = try await SMTPSink.start(in: dir.file("sink"), tls: (certificate, key), implicitTLS: true)
        defer { sink.stop() }
        let relay = try Email.Relay(url: "smtps://127.0.0.1:\(sink.port)", helo: "cairn.test", caFile: certificate)
        #expect(relay.security == .implicit)
        let message = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Secure", text: "x")
        #expect(try await Email.send(message, relay: relay, messageID: "<s@cairn.test>").code == 250)
        let mail = try #require(try await sink.messages(count: 1).first)
        #expect(mail.tls && mail.subject == "Secure")

        // 554 to the message after its data: final, naming the message; 451: retryable.
        let refused = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "reject-data")
        let error = await #expect(throws: NonRetryableError.self) { try await Email.send(refused, relay: relay, messageID: "<r@cairn.test>") }
        #expect(error?.message.contains("554") == true && error?.message.contains("to the message") == true, "\(String(describing: error))")
        let later = Email.Message(from: try .init(parsing: "bot@example.com"), to: [try .init(parsing: "ada@example.com")], subject: "Hi", text: "later-data")
        let retry = await #expect(throws: SMTPRetryableError.self) { try await Email.send(later, relay: relay, messageID: "<l@cairn.test>") }
        #expect(retry?.code == 451 && retry?.uncertain == false)
        #expect(try sink.received().count == 1)
    }
}
