/// A key for the members Foundation names itself: `super`, and array positions in paths.
struct NodeCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    static let superKey = NodeCodingKey(stringValue: "super")
}
