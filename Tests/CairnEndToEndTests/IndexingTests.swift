import CairnTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The document pipeline shipped in `etc/cairn.toml`, through the real `cairn serve`: a file
/// dropped into the inbox is chunked, embedded and stored, `cairn search` finds it, a new
/// version replaces its chunks exactly, and a binary file fails with the reason.
@Suite struct IndexingTests {
    static func document(_ topic: String, paragraphs: Int) -> String {
        (0..<paragraphs).map { "Paragraph \($0) about \(topic): " + String(repeating: "the \(topic) keeps its promises durably. ", count: 12) }
            .joined(separator: "\n\n")
    }

    @Test func aDroppedDocumentIsIndexedSearchableAndReplacedByItsNextVersion() async throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var sample = try String(contentsOf: repository.appendingPathComponent("etc/cairn.toml"), encoding: .utf8)
        sample = sample.replacingOccurrences(of: "\"etc/", with: "\"\(repository.path)/etc/").replacingOccurrences(of: "\"mail/", with: "\"\(repository.path)/etc/mail/")
        let serve = try await ServeProcess(config: { directory in sample.replacingOccurrences(of: "\"var/", with: "\"\(directory)/data/") })
        defer { serve.stop() }
        let inbox = serve.directory.path + "/data/inbox"
        #expect(FileManager.default.fileExists(atPath: inbox), "create = true makes the inbox")
        #expect((try FileManager.default.attributesOfItem(atPath: inbox)[.posixPermissions] as? Int) == 0o700, "a made inbox is private")

        try Self.document("glacier", paragraphs: 12).write(toFile: inbox + "/notes.md", atomically: true, encoding: .utf8)
        _ = try await Poll.value("notes.md indexed", timeout: .seconds(30)) { () -> Bool? in
            FileManager.default.fileExists(atPath: inbox + "/.cairn/done") && (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.cairn/done"))?.count == 1 ? true : nil
        }
        let listed = try await serve.request("GET", "/indexes")
        let docs = (listed.json["indexes"] as? [[String: Any]])?.first
        #expect(docs?["name"] as? String == "docs" && docs?["space"] as? String == "hashing/hash-v1@384" && docs?["sources"] as? Int == 1, "\(listed.text)")
        let firstCount = try #require(docs?["chunks"] as? Int)
        #expect(firstCount >= 5)

        let found = try await CLI.run(["search", "docs", "glacier promises", "-k", "3", "--url", serve.baseURL, "--config", serve.configPath], in: serve.directory.path)
        #expect(found.code == 0 && found.out.contains("1. notes.md #") && found.out.contains("glacier"), "\(found.err)\(found.out)")
        for mode in ["vector", "keyword", "hybrid"] {
            let answer = try await serve.request("GET", "/indexes/docs/query?q=glacier%20promises&k=2&mode=\(mode)")
            let hits = answer.json["hits"] as? [[String: Any]] ?? []
            #expect(answer.status == 200 && hits.count == 2 && hits.first?["source"] as? String == "notes.md", "\(mode): \(answer.text)")
        }

        // The next version of notes.md, shorter and about something else: only its chunks remain.
        try Self.document("volcano", paragraphs: 3).write(toFile: inbox + "/notes.md", atomically: true, encoding: .utf8)
        _ = try await Poll.value("notes.md indexed again", timeout: .seconds(30)) { () -> Bool? in
            (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.cairn/done"))?.count == 2 ? true : nil
        }
        let relisted = try await serve.request("GET", "/indexes")
        let secondCount = ((relisted.json["indexes"] as? [[String: Any]])?.first?["chunks"] as? Int) ?? -1
        #expect(secondCount > 0 && secondCount < firstCount, "\(relisted.text)")
        let stale = try await serve.request("GET", "/indexes/docs/query?q=glacier&k=5&mode=keyword")
        #expect((stale.json["hits"] as? [[String: Any]])?.isEmpty == true, "\(stale.text)")
        let fresh = try await serve.request("GET", "/indexes/docs/query?q=volcano&k=5&mode=keyword")
        #expect((fresh.json["hits"] as? [[String: Any]])?.count == secondCount, "\(fresh.text)")

        // A binary file dropped by mistake: the instance fails saying so, the index is unchanged.
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: inbox + "/image.txt"))
        _ = try await Poll.value("image.txt failed", timeout: .seconds(30)) { () -> Bool? in
            (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.cairn/failed"))?.isEmpty == false ? true : nil
        }
        let files = try await serve.request("GET", "/drops/inbox/files?status=failed")
        let detail = ((files.json["files"] as? [[String: Any]])?.first?["detail"] as? String) ?? ""
        #expect(detail.contains("not UTF-8 text"), "\(files.text)")
        let after = try await serve.request("GET", "/indexes")
        #expect(((after.json["indexes"] as? [[String: Any]])?.first?["chunks"] as? Int) == secondCount)

        let unknown = try await serve.request("GET", "/indexes/nope/query?q=x")
        #expect(unknown.status == 404 && unknown.text.contains("docs"))
        let empty = try await serve.request("GET", "/indexes/docs/query?q=%20&k=3")
        #expect(empty.status == 400 && empty.text.contains("empty"))
        let tooLong = try await serve.request("GET", "/indexes/docs/query?q=" + String(repeating: "a", count: 9000))
        #expect(tooLong.status == 400 && tooLong.text.contains("8192"), "\(tooLong.text)")
    }

    @Test func aKillDuringIndexingEndsAfterRestartWithEachChunkOnce() async throws {
        let text = (0..<1000).map { "Sentence \($0) of a long document about durable indexing in batches." }.joined(separator: " ")
        let serve = try await ServeProcess(config: { directory in
            try? text.write(toFile: directory + "/big.txt", atomically: true, encoding: .utf8)
            return ServeProcess.seedConfig(directory: directory) + """

                [[indexes]]
                name = "big"
                chunk_size = 200
                overlap = 30
                batch = 2

                [[pipelines]]
                name = "ingest"
                params = { path = "string" }

                [[pipelines.steps]]
                name = "index"
                action = "embeddings.index"
                with = { index = "big", path = "{{ params.path }}" }
                """
        })
        defer { serve.stop() }
        // Restarted so that it kills itself right after the third batch is stored.
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        try await serve.start(environment: ["CAIRN_TEST_KILL_AFTER_BATCH": "3"])
        let body = #"{"id": "big-1", "params": {"path": "\#(serve.directory.path)/big.txt"}}"#
        let created = try await serve.request("POST", "/workflows/ingest/instances", body: body)
        #expect(created.status == 201, "\(created.text)")
        _ = try await serve.waitForExit()
        #expect(serve.process.terminationReason == .uncaughtSignal && serve.process.terminationStatus == SIGKILL)
        #expect(try serve.sqlite("SELECT COUNT(*) FROM embedding_chunks") == "6", "three batches of two stored before the kill")
        try await serve.start()
        let done = try await serve.waitForInstance("ingest", "big-1", timeout: .seconds(60)) { ($0["status"] as? String) == "complete" }
        let output = try #require(done["output"] as? [String: Any])
        let chunks = try #require(output["chunks"] as? Int)
        #expect(chunks > 100 && output["removed"] as? Int == 0, "\(output)")
        let steps = (done["steps"] as? [[String: Any]]) ?? []
        #expect(steps.count == 2 + (output["batches"] as? Int ?? -1), "a chunk step, one per batch, a finish step")
        let listed = try await serve.request("GET", "/indexes")
        #expect(((listed.json["indexes"] as? [[String: Any]])?.first?["chunks"] as? Int) == chunks, "\(listed.text)")
        #expect(try serve.sqlite("SELECT COUNT(*) = COUNT(DISTINCT chunk_index) FROM embedding_chunks WHERE index_name = 'big'") == "1")
    }

    @Test func changingTheModelRefusesQueriesUntilTheCLIsRebuildReEmbedsTheIndex() async throws {
        func config(_ directory: String, dimensions: Int) -> String {
            ServeProcess.seedConfig(directory: directory) + """

                [[indexes]]
                name = "docs"
                dimensions = \(dimensions)
                chunk_size = 80
                overlap = 0
                batch = 2

                [[pipelines]]
                name = "ingest"
                params = { text = "string", source = "string" }

                [[pipelines.steps]]
                name = "index"
                action = "embeddings.index"
                with = { index = "docs", text = "{{ params.text }}", source = "{{ params.source }}" }
                """
        }
        let serve = try await ServeProcess(config: { config($0, dimensions: 64) })
        defer { serve.stop() }
        let texts = [Self.document("glaciers", paragraphs: 3), Self.document("volcanoes", paragraphs: 3)]
        for (index, text) in texts.enumerated() {
            let body = try JSONSerialization.data(withJSONObject: ["id": "d\(index)", "params": ["text": text, "source": "doc\(index)"]])
            let created = try await serve.request("POST", "/workflows/ingest/instances", body: String(decoding: body, as: UTF8.self))
            #expect(created.status == 201, "\(created.text)")
            _ = try await serve.waitForInstance("ingest", "d\(index)") { ($0["status"] as? String) == "complete" }
        }
        let before = try serve.sqlite("SELECT COUNT(*) || ':' || SUM(length(vector)) FROM embedding_chunks WHERE visible = 1")
        let chunks = try #require(Int(before.split(separator: ":")[0]))
        #expect(chunks >= 4 && before.hasSuffix(":\(chunks * 64 * 4)"), "\(before)")

        // The config now asks for 128 dimensions.
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        try config(serve.directory.path, dimensions: 128).write(toFile: serve.configPath, atomically: true, encoding: .utf8)
        try await serve.start()
        let refused = try await serve.request("GET", "/indexes/docs/query?q=glaciers&mode=vector")
        #expect(refused.status == 409 && refused.text.contains("cairn indexes rebuild docs"), "\(refused.text)")
        let keyword = try await serve.request("GET", "/indexes/docs/query?q=glaciers")     // keyword mode needs no vectors
        #expect(keyword.status == 200 && ((keyword.json["hits"] as? [[String: Any]])?.first?["source"] as? String) == "doc0", "\(keyword.text)")
        let listed = try await serve.request("GET", "/indexes")
        #expect(((listed.json["indexes"] as? [[String: Any]])?.first?["stored_space"] as? String) == "hashing/hash-v1@64", "\(listed.text)")

        let connection = ["--url", serve.baseURL, "--config", serve.configPath]
        let rebuilt = try await CLI.run(["index", "rebuild", "docs", "--wait"] + connection, in: serve.directory.path)
        #expect(rebuilt.code == 0 && rebuilt.out.contains("Rebuilt docs: \(chunks) chunks now in hashing/hash-v1@128"), "\(rebuilt.err)\(rebuilt.out)")
        #expect(rebuilt.err.isEmpty, "no progress drawn in a pipe: \(rebuilt.err)")
        #expect(try serve.sqlite("SELECT COUNT(*) || ':' || SUM(length(vector)) FROM embedding_chunks") == "\(chunks):\(chunks * 128 * 4)")
        let found = try await serve.request("GET", "/indexes/docs/query?q=volcanoes&mode=vector&k=1")
        #expect(found.status == 200 && ((found.json["hits"] as? [[String: Any]])?.first?["source"] as? String) == "doc1", "\(found.text)")
        // Asked again: the vectors are in the configured space, so nothing starts unless forced.
        let upToDate = try await CLI.run(["indexes", "rebuild", "docs"] + connection, in: serve.directory.path)
        #expect(upToDate.code == 0 && upToDate.out.contains("nothing to rebuild"), "\(upToDate.err)\(upToDate.out)")
        let again = try await CLI.run(["indexes", "rebuild", "docs", "--force", "--json"] + connection, in: serve.directory.path)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as? [String: Any], "\(again.err)")
        #expect(again.code == 0 && answer["created"] as? Bool == true && answer["from_space"] as? String == "hashing/hash-v1@128" && answer["chunks"] as? Int == chunks, "\(again.out)")
        let id = try #require(answer["instance_id"] as? String)
        let finished = try await serve.waitForInstance("cairn-index-rebuild", id) { ($0["status"] as? String) == "complete" }
        #expect((finished["output"] as? [String: Any])?["chunks"] as? Int == chunks)
        #expect(try serve.sqlite("SELECT COUNT(*) FROM embedding_chunks") == "\(chunks)")
        let missing = try await CLI.run(["indexes", "rebuild", "nope"] + connection, in: serve.directory.path)
        #expect(missing.code == 1 && missing.err.contains("No index named nope"), "\(missing.err)")
    }

    @Test func aKillDuringARebuildEndsAfterRestartWithEachChunkOnceInTheNewSpace() async throws {
        let text = (0..<300).map { "Sentence \($0) of a document rebuilt in batches after a model change." }.joined(separator: " ")
        func config(_ directory: String, dimensions: Int) -> String {
            ServeProcess.seedConfig(directory: directory) + """

                [[indexes]]
                name = "big"
                dimensions = \(dimensions)
                chunk_size = 200
                overlap = 0
                batch = 4

                [[pipelines]]
                name = "ingest"
                params = { path = "string" }

                [[pipelines.steps]]
                name = "index"
                action = "embeddings.index"
                with = { index = "big", path = "{{ params.path }}" }
                """
        }
        let serve = try await ServeProcess(config: { directory in
            try? text.write(toFile: directory + "/big.txt", atomically: true, encoding: .utf8)
            return config(directory, dimensions: 32)
        })
        defer { serve.stop() }
        let created = try await serve.request("POST", "/workflows/ingest/instances", body: #"{"id": "big-1", "params": {"path": "\#(serve.directory.path)/big.txt"}}"#)
        #expect(created.status == 201, "\(created.text)")
        _ = try await serve.waitForInstance("ingest", "big-1") { ($0["status"] as? String) == "complete" }
        let chunks = try #require(Int(try serve.sqlite("SELECT COUNT(*) FROM embedding_chunks")))
        #expect(chunks > 20)
        serve.signal(SIGTERM)
        _ = try await serve.waitForExit()
        try config(serve.directory.path, dimensions: 48).write(toFile: serve.configPath, atomically: true, encoding: .utf8)
        // Restarted so that it kills itself right after the rebuild's third batch is staged.
        try await serve.start(environment: ["CAIRN_TEST_KILL_AFTER_BATCH": "3"])
        let started = try await serve.request("POST", "/indexes/big/rebuild")
        #expect(started.status == 202, "\(started.text)")
        let id = try #require(started.json["instance_id"] as? String)
        _ = try await serve.waitForExit()
        #expect(serve.process.terminationReason == .uncaughtSignal && serve.process.terminationStatus == SIGKILL)
        #expect(try serve.sqlite("SELECT COUNT(*) FROM embedding_chunks WHERE visible = 0") == "12", "three batches of four staged before the kill")
        try await serve.start()
        let done = try await serve.waitForInstance("cairn-index-rebuild", id, timeout: .seconds(60)) { ($0["status"] as? String) == "complete" }
        #expect((done["output"] as? [String: Any])?["chunks"] as? Int == chunks, "\(done)")
        // Batches recorded before the kill did not run again (the third, killed before its record
        // committed, may have); each chunk is there once, in the new size.
        let steps = (done["steps"] as? [[String: Any]]) ?? []
        func attempts(_ batch: Int) -> Int? {
            (steps.first { ($0["name"] as? String)?.contains(": batch \(batch) of") == true }?["attempts"] as? [Any])?.count
        }
        #expect(attempts(1) == 1 && attempts(2) == 1 && (attempts(3) ?? 0) <= 2 && attempts(4) == 1, "\(steps.map { $0["name"] ?? "" })")
        #expect(try serve.sqlite("SELECT COUNT(*) || ':' || COUNT(DISTINCT id) || ':' || MIN(length(vector)) || ':' || MAX(length(vector)) FROM embedding_chunks")
                == "\(chunks):\(chunks):\(48 * 4):\(48 * 4)")
        #expect(try serve.sqlite("SELECT space FROM embedding_indexes WHERE name = 'big'") == "hashing/hash-v1@48")
    }

    @Test func anOpenAICompatibleServerEmbedsAndHybridQueriesFindTheNearestChunk() async throws {
        let serverDirectory = try TemporaryDirectory(prefix: "cairn-e2e-embed")
        defer { serverDirectory.remove() }
        let server = try await FakeEmbeddingServer.start(in: serverDirectory.file("server"))
        defer { server.stop() }
        let serve = try await ServeProcess(config: { directory in
            ServeProcess.seedConfig(directory: directory) + """

                [[indexes]]
                name = "semantic"
                provider = "openai"
                model = "nomic-embed-text"
                dimensions = 16
                base_url = "\(server.baseURL)"
                api_key = "env:CAIRN_TEST_EMBED_KEY"
                chunk_size = 60
                overlap = 0

                [[pipelines]]
                name = "ingest"
                params = { text = "string", source = "string" }

                [[pipelines.steps]]
                name = "index"
                action = "embeddings.index"
                with = { index = "semantic", text = "{{ params.text }}", source = "{{ params.source }}" }
                """
        }, environment: ["CAIRN_TEST_EMBED_KEY": "sk-e2e"])
        defer { serve.stop() }
        let check = try await CLI.run(["config", "check", "--config", serve.configPath], in: serve.directory.path, environment: ["CAIRN_TEST_EMBED_KEY": "sk-e2e"])
        #expect(check.code == 0 && !check.out.contains("sk-e2e") && check.out.contains("openai"), "\(check.err)\(check.out)")
        let texts = ["aaaa bbbb aaaa bbbb", "cccc dddd cccc dddd", "mmmm nnnn mmmm nnnn"]
        for (index, text) in texts.enumerated() {
            let created = try await serve.request("POST", "/workflows/ingest/instances", body: #"{"id": "d\#(index)", "params": {"text": "\#(text)", "source": "doc\#(index)"}}"#)
            #expect(created.status == 201, "\(created.text)")
            _ = try await serve.waitForInstance("ingest", "d\(index)") { ($0["status"] as? String) == "complete" }
        }
        #expect(server.requests().allSatisfy { $0["authorization"] as? String == "Bearer sk-e2e" && $0["encoding_format"] as? String == "float" })
        let listed = try await serve.request("GET", "/indexes")
        let entry = (listed.json["indexes"] as? [[String: Any]])?.first
        #expect(entry?["space"] as? String == "openai/nomic-embed-text@16" && entry?["default_mode"] as? String == "hybrid" && entry?["chunks"] as? Int == 3, "\(listed.text)")
        for mode in ["vector", "hybrid"] {
            let answer = try await serve.request("GET", "/indexes/semantic/query?q=cccc%20dddd&k=3&mode=\(mode)")
            let hits = answer.json["hits"] as? [[String: Any]] ?? []
            #expect(hits.first?["source"] as? String == "doc1", "\(mode): \(answer.text)")
        }
        // The CLI sends a "+" as a plus (the server reads a bare "+" as a space, and would embed "c").
        let plus = try await CLI.run(["search", "semantic", "c++", "--mode", "vector", "--url", serve.baseURL, "--config", serve.configPath],
                                     in: serve.directory.path, environment: ["CAIRN_TEST_EMBED_KEY": "sk-e2e"])
        #expect(plus.code == 0 && server.requests().last?["longest"] as? Int == 3, "\(plus.err)")
        // The provider gone: 503 naming it; keyword mode needs no provider.
        server.stop()
        // A forced rebuild now waits to retry its first batch; asking again names that instance.
        let first = try await serve.request("POST", "/indexes/semantic/rebuild?force=true")
        let second = try await serve.request("POST", "/indexes/semantic/rebuild?force=true")
        #expect(first.status == 202 && second.status == 200 && first.json["instance_id"] as? String != nil, "\(first.text)")
        #expect(second.json["instance_id"] as? String == first.json["instance_id"] as? String && second.json["created"] as? Bool == false, "\(second.text)")
        let down = try await serve.request("GET", "/indexes/semantic/query?q=cccc&mode=vector")
        #expect(down.status == 503 && down.text.contains("provider_unavailable"), "\(down.text)")
        let keyword = try await serve.request("GET", "/indexes/semantic/query?q=cccc+dddd&mode=keyword")
        #expect(keyword.status == 200 && (keyword.json["hits"] as? [[String: Any]])?.first?["source"] as? String == "doc1", "\(keyword.text)")
        let broken = try await serve.request("GET", "/indexes/semantic/query?q=100%25%E2%9C")
        #expect(broken.status == 400 && broken.text.contains("not valid percent-encoded"), "\(broken.status) \(broken.text)")
    }
}
