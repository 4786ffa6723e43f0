import Cairn
import CairnEmbeddings

/// The built-in workflow behind `cairn indexes rebuild <name>` and `POST /indexes/{name}/rebuild`:
/// one `embeddings.rebuild` step for the index named in its params, run by the engine like any
/// pipeline (durable per batch, visible with `cairn instances describe`).
enum IndexRebuildWorkflow {
    /// Its name; reserved while the config declares `[[indexes]]`.
    static let name = "cairn-index-rebuild"

    /// The instance id of a rebuild of `index` from `version` (the route adds `-2`, `-3`, …
    /// when an earlier one from the same version failed or was terminated).
    static func instanceID(index: String, version: Int64) -> String {
        "rebuild-\(index)-v\(version)"
    }

    static var definition: PipelineDefinition {
        // A literal template: parsing it cannot fail.
        let arguments = (try? TemplateValue.parse(["index": "{{ params.index }}"], htmlKeys: [])) ?? .literal(.object([:]))
        return PipelineDefinition(name: name, params: ["index": (.string, true)], steps: [
            .init(name: "rebuild", kind: .action(plugin: "embeddings", action: "rebuild", arguments: arguments)),
        ])
    }
}
