/// JSON text parsed for ``StoredJSONDecoder``: numbers keep their text, so every integer
/// type and `Decimal` read them exactly; objects keep their members in order (the first of
/// a repeated key wins, as in Foundation).
indirect enum ParsedJSON {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([ParsedJSON])
    case object([(key: String, value: ParsedJSON)])

    /// What the value is, for error messages ("found a string instead").
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}
