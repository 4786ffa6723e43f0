import CairnTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// File drops through the real `cairn serve`: files dropped while it is down, a real SIGKILL
/// right after a claim and one while the file's instance runs, each reconciled with no file
/// lost and none taken twice.
@Suite struct FileDropTests {
    static func config(_ directory: String, workflow: String = "count") -> String {
        ServeProcess.seedConfig(directory: directory) + """

            [[workflows]]
            name = "count"
            type = "count-lines"

            [[workflows]]
            name = "approve"
            type = "await-event"
            [workflows.options]
            event_type = "approved"

            [[drops]]
            name = "inbox"
            directory = "\(directory)/inbox"
            workflow = "\(workflow)"
            pattern = "*.csv"
            settle = "200 milliseconds"
            """
    }

    private func makeInbox(_ serve: ServeProcess) -> String {
        serve.directory.file("inbox")
    }

    private func list(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func aSIGKILLRightAfterTheClaimIsReconciledAtStartWithOneInstance() async throws {
        let serve = try await ServeProcess(config: { directory in
            try? FileManager.default.createDirectory(atPath: "\(directory)/inbox", withIntermediateDirectories: true)
            return Self.config(directory)
        })
        defer { serve.stop() }
        let inbox = makeInbox(serve)
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        // Dropped while the appliance is down; the next start claims it and dies at once.
        try Data("a\nb\nc\n".utf8).write(to: URL(fileURLWithPath: "\(inbox)/orders.csv"))
        try? await serve.start(environment: ["CAIRN_TEST_KILL_AFTER_CLAIM": "inbox"])
        _ = try await serve.waitForExit()
        #expect(serve.process.terminationReason == .uncaughtSignal && serve.process.terminationStatus == SIGKILL)
        #expect(list(inbox) == [".cairn"])
        #expect(list("\(inbox)/.cairn/processing").count == 1)
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "0")
        // A normal start gives the claimed file its instance, once.
        try await serve.start()
        try await Poll.until("the file done", timeout: .seconds(30)) { list("\(inbox)/.cairn/done").count == 1 }
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances WHERE workflow = 'count' AND status = 'complete'") == "1")
        #expect(try serve.sqlite("SELECT COUNT(*) FROM drop_files WHERE status = 'done'") == "1")
        #expect(list("\(inbox)/.cairn/processing").isEmpty)
        let metrics = try await serve.request("GET", "/metrics").text
        #expect(metrics.contains("cairn_drop_files_total") && metrics.contains("outcome=\"taken\"") && metrics.contains("outcome=\"done\""), "\(metrics)")
        let listing = try await CLI.run(["drops", "files", "inbox", "--url", serve.baseURL, "--config", serve.configPath], in: serve.directory.path)
        #expect(listing.code == 0 && listing.out.contains("orders.csv") && listing.out.contains("done"), "\(listing.err)\(listing.out)")
    }

    @Test func aSIGKILLWhileTheFilesInstanceRunsEndsWithTheFileDoneOnce() async throws {
        let serve = try await ServeProcess(config: { directory in
            try? FileManager.default.createDirectory(atPath: "\(directory)/inbox", withIntermediateDirectories: true)
            return Self.config(directory, workflow: "approve")
        })
        defer { serve.stop() }
        let inbox = makeInbox(serve)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: "\(inbox)/order-7.csv"))
        let id = try await Poll.value("the instance", timeout: .seconds(30)) {
            // Polled: a read that fails (a busy moment) counts as "not yet".
            (try? serve.sqlite("SELECT instance FROM drop_files"))?.nonEmpty
        }
        _ = try await serve.waitForInstance("approve", id) { $0["status"] as? String == "waiting" }
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        #expect(list("\(inbox)/.cairn/processing").count == 1)
        try await serve.start()
        let sent = try await serve.request("POST", "/workflows/approve/instances/\(id)/events/approved", body: "{}")
        #expect(sent.status == 202 || sent.status == 200, "\(sent.text)")
        _ = try await serve.waitForInstance("approve", id) { $0["status"] as? String == "complete" }
        try await Poll.until("the file done", timeout: .seconds(30)) { list("\(inbox)/.cairn/done").count == 1 }
        #expect(try serve.sqlite("SELECT COUNT(*) FROM instances") == "1")
        #expect(try serve.sqlite("SELECT status FROM drop_files") == "done")
        let drops = try await serve.request("GET", "/drops")
        let first = (drops.json["drops"] as? [[String: Any]])?.first
        #expect(first?["done"] as? Int == 1 && first?["processing"] as? Int == 0, "\(drops.text)")
        #expect(try await serve.request("GET", "/drops/inbox/files?cursor=abc").status == 400)
        let bogus = try await serve.request("GET", "/drops/inbox/files?status=bogus")
        #expect(bogus.status == 400 && bogus.errorMessage.contains("processing, done, failed, duplicate"), "\(bogus.text)")
        #expect(try await serve.request("GET", "/drops/nope/files").errorCode == "drop_not_found")
        #expect(try await serve.request("GET", "/drops", token: .some(nil)).status == 401)
    }

    @Test func configCheckRefusesAMissingDirectoryAndABadPatternOnTheirLines() async throws {
        let directory = try TemporaryDirectory(prefix: "cairn-drops-config")
        defer { directory.remove() }
        let text = """
            [[workflows]]
            name = "count"
            type = "count-lines"

            [[drops]]
            name = "inbox"
            directory = "\(directory.path)/missing"
            workflow = "count"
            """
        try text.write(toFile: directory.file("a.toml"), atomically: true, encoding: .utf8)
        let missing = try await CLI.run(["config", "check", "--config", directory.file("a.toml")], in: directory.path)
        #expect(missing.code != 0 && missing.err.contains("a.toml:7:") && missing.err.contains("does not exist") && missing.err.contains("mkdir -p"), "\(missing.err)")
        try (text.replacingOccurrences(of: "/missing", with: "") + "\npattern = \"*.{csv\"\n").write(toFile: directory.file("b.toml"), atomically: true, encoding: .utf8)
        let pattern = try await CLI.run(["config", "check", "--config", directory.file("b.toml")], in: directory.path)
        #expect(pattern.code != 0 && pattern.err.contains("b.toml:9:") && pattern.err.contains("never closed"), "\(pattern.err)")
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
