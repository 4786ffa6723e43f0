import Cairn
@testable import CairnEmail
import CairnTesting
import Foundation
import Testing

/// `email.send` as a pipeline calls it: JSON arguments, `[plugins.email]` settings, files
/// from `attachments_dir` and nowhere else.
@Suite struct EmailPluginTests {
    @Test func theJSONActionSendsAttachmentsFromAttachmentsDirAndRefusesPathsThatLeaveIt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sink = try await SMTPSink.start(in: dir.file("sink"))
        defer { sink.stop() }
        let outbox = dir.file("outbox")
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        try "day,total\n2026-12-05,42\n".write(toFile: outbox + "/report.csv", atomically: true, encoding: .utf8)
        try "do not send".write(toFile: dir.file("secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: outbox + "/link.txt", withDestinationPath: dir.file("secret.txt"))
        let settings: JSONValue = ["url": .string("smtp://127.0.0.1:\(sink.port)"), "tls": "none", "from": "Reports <reports@example.com>",
                                   "helo": "cairn.test", "attachments_dir": .string(outbox)]
        let action = try #require(EmailPlugin().actions["send"])
        let context = PluginContext(workflow: "nightly", instanceID: "r-9", step: "mail", attempt: 1, settings: settings)
        let notes = Data("first\nsecond\n".utf8)
        let output = try await action.run(["to": ["ada@example.com"], "bcc": "audit@example.com", "subject": "Report", "text": "See attached.",
                                           "attachments": [["path": "report.csv"], ["content": .string(notes.base64EncodedString()), "filename": "notes.txt"]]], context)
        #expect(output["code"] == 250 && output["uncertain"] == false)
        #expect(output["accepted"] == ["ada@example.com", "audit@example.com"])
        #expect(output["message_id"]?.stringValue?.hasPrefix("<r-9.mail.") == true)
        let mail = try #require(try await sink.messages(count: 1).first)
        #expect(mail.header("From") == "Reports <reports@example.com>" && mail.header("Bcc") == nil)
        #expect(mail.rcptTos == ["ada@example.com", "audit@example.com"])
        #expect(mail.attachments.map(\.filename) == ["report.csv", "notes.txt"])
        #expect(mail.attachments.first?.data == Data("day,total\n2026-12-05,42\n".utf8) && mail.attachments.last?.data == notes)
        #expect(mail.messageID == output["message_id"]?.stringValue)

        for path in ["../secret.txt", dir.file("secret.txt"), "link.txt", "missing.csv", "."] {
            let error = await #expect(throws: NonRetryableError.self) {
                try await action.run(["to": "ada@example.com", "subject": "Report", "text": "x", "attachments": [["path": .string(path)]]], context)
            }
            #expect(error?.message.contains("attachments[0].path") == true, "\(path): \(String(describing: error))")
        }
        guard case .object(var small) = settings else { throw TestFailure("settings are a table") }
        small["max_message_bytes"] = 200
        let tooLarge = await #expect(throws: NonRetryableError.self) {
            try await action.run(["to": "ada@example.com", "subject": "Report", "text": .string(String(repeating: "x", count: 400))],
                                 PluginContext(workflow: "nightly", instanceID: "r-9", step: "mail", attempt: 1, settings: .object(small)))
        }
        #expect(tooLarge?.message.contains("max_message_bytes") == true)
        let noRecipients = await #expect(throws: NonRetryableError.self) {
            try await action.run(["to": .array([]), "subject": "Report", "text": "x"], context)
        }
        #expect(noRecipients?.message.contains("all empty") == true)
        #expect(try sink.received().count == 1)         // nothing else reached the relay
    }
}
