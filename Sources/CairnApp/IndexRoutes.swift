import Cairn
import CairnAPI
import CairnEmbeddings
import CairnServer
import Foundation
import Hummingbird

/// `GET /indexes`, `POST /indexes/{name}/rebuild[?force=true]` and
/// `GET /indexes/{name}/query?q=…&k=5&mode=vector|keyword|hybrid`, behind
/// the bearer token, answered by the embeddings plugin's searcher over Cairn's database.
enum IndexRoutes {
    static func registration(plugin: EmbeddingsPlugin, settings: JSONValue, box: IndexStoreBox) -> RouteRegistration {
        RouteRegistration(authenticated: true) { group, engine in
            @Sendable func store() throws -> any EmbeddingIndexStore {
                guard let store = box.store else { throw APIError(.serviceUnavailable, "starting", "The indexes are still starting. Try again in a moment.") }
                return store
            }
            @Sendable func configured() throws -> EmbeddingsSettings {
                do {
                    return try EmbeddingsSettings(json: settings)
                } catch {
                    throw APIError(.serviceUnavailable, "misconfigured", error.message)
                }
            }
            group.get("indexes") { _, _ in
                let settings = try configured()
                let summaries = Dictionary(uniqueKeysWithValues: try store().summaries().map { ($0.name, $0) })
                let listings = settings.indexes.values.sorted { $0.name < $1.name }.map { definition in
                    let summary = summaries[definition.name]
                    let stored = summary?.space
                    return IndexListing(name: definition.name, space: definition.space, dimensions: definition.dimensions, chunks: summary?.chunks ?? 0,
                                        sources: summary?.sources ?? 0, defaultMode: definition.provider == "hashing" ? "keyword" : "hybrid",
                                        updatedAt: summary?.updatedAt.map(Timestamp.string),
                                        storedSpace: stored == definition.space || (summary?.chunks ?? 0) == 0 ? nil : stored)
                }
                return JSON.response(IndexList(indexes: listings))
            }
            @Sendable func definition(_ context: CairnRequestContext) throws -> IndexDefinition {
                let raw = try context.parameters.require("name")
                let name = raw.removingPercentEncoding ?? raw
                let settings = try configured()
                guard let definition = settings.indexes[name] else {
                    throw APIError(.notFound, "index_not_found", "No index named \(name.prefix(64)); the config declares \(settings.indexes.keys.sorted().joined(separator: ", ").isEmpty ? "none" : settings.indexes.keys.sorted().joined(separator: ", ")).")
                }
                return definition
            }
            group.post("indexes/:name/rebuild") { request, context in
                let definition = try definition(context)
                let indexes = try store()
                let force = try formValue("force", in: request.uri.query).map { value in
                    guard let flag = Bool(value) else { throw APIError.badRequest("force '\(value.prefix(20))' is not true or false.") }
                    return flag
                } ?? false
                let summary = try indexes.summaries().first { $0.name == definition.name }
                let chunks = summary?.chunks ?? 0
                let stored = try indexes.space(of: definition.name)
                func answer(_ id: String?, created: Bool, status: String) -> Response {
                    JSON.response(IndexRebuild(index: definition.name, workflow: IndexRebuildWorkflow.name, instanceID: id, created: created, status: status,
                                               fromSpace: stored, toSpace: definition.space, chunks: chunks),
                                  status: created ? .accepted : .ok)
                }
                // A rebuild of this index already under way answers, whatever version it started from.
                for status in [InstanceStatus.running, .waiting, .queued, .paused, .waitingForPause] {
                    let live = try engine.instances(IndexRebuildWorkflow.name, status: status, limit: 1000).first { $0.params["index"]?.stringValue == definition.name }
                    if let live { return answer(live.id, created: false, status: live.status.rawValue) }
                }
                // Nothing to re-embed: the vectors are in the configured space already (or there are none).
                if !force, stored == definition.space || chunks == 0 { return answer(nil, created: false, status: "up_to_date") }
                let version = try indexes.version(of: definition.name) ?? 0
                let params = JSONValue.object(["index": .string(definition.name)]).jsonData()
                let base = IndexRebuildWorkflow.instanceID(index: definition.name, version: version)
                // The rebuild from this version, or a new one when earlier tries ended without
                // swapping (errored, terminated) or the id is taken by an instance of something else.
                for attempt in 1...100 {
                    let id = attempt == 1 ? base : "\(base)-\(attempt)"
                    let outcome = try await engine.start(IndexRebuildWorkflow.name, id: id, paramsJSON: params, trigger: "api")
                    let record = outcome.record
                    let same = (try? JSONValue(json: record.params))?["index"]?.stringValue == definition.name
                    if outcome.wasCreated || (same && (!record.status.isFinished || record.status == .complete)) {
                        return answer(record.id, created: outcome.wasCreated, status: record.status.rawValue)
                    }
                }
                throw APIError(.conflict, "too_many_rebuilds", "100 rebuilds of \(definition.name) from this version ended without finishing; see cairn instances list \(IndexRebuildWorkflow.name).")
            }
            group.get("indexes/:name/query") { request, context in
                let definition = try definition(context)
                let name = definition.name
                // Read from the raw query: form encoding writes a space as "+" and a plus as "%2B".
                let raw = request.uri.query
                guard let text = try formValue("q", in: raw) else { throw APIError.badRequest("Give the text to search for as ?q=…") }
                var k = 5
                if let value = try formValue("k", in: raw) {
                    guard let number = Int(value), (1...100).contains(number) else { throw APIError.badRequest("k '\(value)' is not a number from 1 to 100.") }
                    k = number
                }
                var mode: IndexSearcher.Mode?
                if let value = try formValue("mode", in: raw) {
                    guard let parsed = IndexSearcher.Mode(rawValue: value) else { throw APIError.badRequest("mode '\(value)' is not vector, keyword or hybrid.") }
                    mode = parsed
                }
                let used = mode ?? (definition.provider == "hashing" ? .keyword : .hybrid)
                do {
                    let hits = try await plugin.searcher.search(text, in: definition, k: k, mode: used, store: try store())
                    return JSON.response(SearchResult(index: name, mode: used.rawValue, hits: hits.map {
                        SearchHit(score: $0.score, source: $0.source, chunkIndex: $0.chunkIndex, text: $0.text, metadata: $0.metadata)
                    }))
                } catch let error as WorkflowError {
                    throw APIError.badRequest(error.message)
                } catch let error as IndexSpaceMismatch {
                    throw APIError(.conflict, "space_mismatch", error.description)
                } catch let error as EmbeddingRetryableError {
                    throw APIError(.serviceUnavailable, "provider_unavailable", error.message)
                } catch let error as NonRetryableError {
                    throw APIError(.badGateway, "provider_error", error.message)
                }
            }
        }
    }

    /// The value of `key` in a raw (percent-encoded) query string, form-decoded: "+" is a
    /// space, "%2B" a plus. `nil` when the key is absent; a value whose encoding is broken
    /// is a 400 saying so.
    static func formValue(_ key: String, in query: String?) throws -> String? {
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding == key else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            guard let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw APIError.badRequest("\(key) is not valid percent-encoded UTF-8 (a '%' must be followed by two hex digits, e.g. %25 for '%' itself).")
            }
            return value
        }
        return nil
    }
}
