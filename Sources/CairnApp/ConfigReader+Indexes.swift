import Cairn
import Foundation
import TOMLKit

extension ConfigReader {
    /// `[[indexes]]` entries as JSON objects (the embeddings plugin checks them), with the line
    /// of each entry's name.
    func indexes(_ root: TOMLTable) throws -> (entries: [JSONValue], lines: [String: Int]) {
        guard let value = root["indexes"] else { return ([], [:]) }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw mismatch("", "indexes", expected: "an array of tables ([[indexes]])", got: value)
        }
        var entries: [JSONValue] = []
        var lines: [String: Int] = [:]
        for index in 0..<array.count {
            let path = "indexes[\(index)]"
            guard array[index].tomlValue.type == .table else {
                throw error(path, "Each index must be a table: write [[indexes]] followed by name = \"docs\".")
            }
            var ignored: [String: Int] = [:]
            let json = try optionValue(array[index], path: "indexes", key: "\(index)", option: path, lines: &ignored).json
            guard let name = json["name"]?.stringValue else { throw error(path, "[[indexes]] needs name = \"docs\".") }
            if lines[name] != nil { throw error("\(path).name", "Duplicate index name \"\(name)\". Give each index its own name.") }
            lines[name] = self.lines.line(of: "\(path).name") ?? self.lines.line(of: path)
            entries.append(json)
        }
        return (entries, lines)
    }
}
