/// An object's members in the order they were encoded; a key encoded again replaces its
/// value, as in Foundation.
final class ObjectBox {
    private var members: [(key: String, value: EncodedNode)] = []
    /// Where each key is, once there are too many members to search.
    private var index: [String: Int]?

    func set(_ value: EncodedNode, for key: String) {
        if let position = position(of: key) {
            members[position].value = value
            return
        }
        members.append((key, value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > 16 {
            index = Dictionary(members.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func value(for key: String) -> EncodedNode? {
        position(of: key).map { members[$0].value }
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    /// Sorted by the keys' UTF-8 bytes, as Foundation sorts them (not by `String`'s `<`,
    /// which compares canonical forms: `"a\u{308}z"` comes before `"b"` here).
    func sortedMembers() -> [(key: String, value: EncodedNode)] {
        members.count < 2 ? members : members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
