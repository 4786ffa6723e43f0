import Cairn
import CairnAPI
import CairnEmbeddings
import CairnServer
import Foundation
import Hummingbird

/// `GET /indexes` and `GET /indexes/{name}/query?q=…&k=5&mode=vector|keyword|hybrid`, behind
/// the bearer token, answered by the embeddings plugin's searcher over Cairn's database.
enum IndexRoutes {
    static func registration(plugin: EmbeddingsPlugin, settings: JSONValue, box: IndexStoreBox) -> RouteRegistration {
        RouteRegistration(authenticated: true) { group, _ in
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
                let stored = Dictionary(uniqueKeysWithValues: try store().summaries().map { ($0.name, $0) })
                let listings = settings.indexes.values.sorted { $0.name < $1.name }.map { definition in
                    let summary = stored[definition.name]
                    return IndexListing(name: definition.name, space: definition.space, dimensions: definition.dimensions, chunks: summary?.chunks ?? 0,
                                        sources: summary?.sources ?? 0, defaultMode: definition.provider == "hashing" ? "keyword" : "hybrid",
                                        updatedAt: summary?.updatedAt.map(Timestamp.string))
                }
                return JSON.response(IndexList(indexes: listings))
            }
            group.get("indexes/:name/query") { request, context in
                let raw = try context.parameters.require("name")
                let name = raw.removingPercentEncoding ?? raw
                let settings = try configured()
                guard let definition = settings.indexes[name] else {
                    throw APIError(.notFound, "index_not_found", "No index named \(name.prefix(64)); the config declares \(settings.indexes.keys.sorted().joined(separator: ", ").isEmpty ? "none" : settings.indexes.keys.sorted().joined(separator: ", ")).")
                }
                let query = request.uri.queryParameters
                // Form encoding writes spaces as "+".
                guard let text = query.get("q")?.replacingOccurrences(of: "+", with: " ") else { throw APIError.badRequest("Give the text to search for as ?q=…") }
                var k = 5
                if let value = query.get("k") {
                    guard let number = Int(value), (1...100).contains(number) else { throw APIError.badRequest("k '\(value)' is not a number from 1 to 100.") }
                    k = number
                }
                var mode: IndexSearcher.Mode?
                if let value = query.get("mode") {
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
}
