import Foundation

/// A length of time for sleeps, retry delays and timeouts: a Swift `Duration` or a string
/// such as `"20 seconds"`, `"1.5 hours"` or `"3 days"`.
///
/// Units: millisecond, second, minute, hour, day, week, month (30 days), year (365 days),
/// singular or plural. An unknown unit is an error, never silently milliseconds. A string
/// literal is checked when it is used, so a typo ends the instance with a message naming it.
public struct WorkflowDuration: Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case milliseconds(Int64)
        case invalid(text: String, reason: String)
    }

    let storage: Storage

    /// A duration from a Swift `Duration`, rounded down to whole milliseconds.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        storage = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    public init(milliseconds: Int64) { storage = .milliseconds(milliseconds) }

    public static func seconds(_ value: Int64) -> WorkflowDuration { .init(milliseconds: value * 1000) }
    public static func minutes(_ value: Int64) -> WorkflowDuration { .init(milliseconds: value * 60_000) }
    public static func hours(_ value: Int64) -> WorkflowDuration { .init(milliseconds: value * 3_600_000) }
    public static func days(_ value: Int64) -> WorkflowDuration { .init(milliseconds: value * 86_400_000) }

    /// Parses `"N unit"`; throws a ``WorkflowError`` naming the text and the accepted units.
    public init(parsing text: String) throws {
        let parsed = Self.parse(text)
        if case .invalid(_, let reason) = parsed { throw WorkflowError(.invalidDuration, reason) }
        storage = parsed
    }

    public init(stringLiteral value: String) { storage = Self.parse(value) }

    /// The length in milliseconds, or a ``WorkflowError`` if the text did not parse.
    public func milliseconds() throws -> Int64 {
        switch storage {
        case .milliseconds(let value): return value
        case .invalid(_, let reason): throw WorkflowError(.invalidDuration, reason)
        }
    }

    public var description: String {
        switch storage {
        case .milliseconds(let value): return Self.format(milliseconds: value)
        case .invalid(let text, _): return text
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self.init(milliseconds: number)
        } else {
            try self.init(parsing: try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static let units: [(names: [String], milliseconds: Double)] = [
        (["millisecond", "ms"], 1),
        (["second", "sec"], 1000),
        (["minute", "min"], 60_000),
        (["hour"], 3_600_000),
        (["day"], 86_400_000),
        (["week"], 604_800_000),
        (["month"], 2_592_000_000),
        (["year"], 31_536_000_000),
    ]

    static func parse(_ text: String) -> Storage {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let unitList = "millisecond, second, minute, hour, day, week, month, year"
        func invalid(_ why: String) -> Storage {
            .invalid(text: text, reason: "Invalid duration '\(text)': \(why). Write a number and a unit, e.g. \"20 seconds\" or \"3 days\" (units: \(unitList)).")
        }
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !numberPart.isEmpty, let value = Double(numberPart), value.isFinite else {
            return invalid("it does not start with a non-negative number")
        }
        var unit = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard !unit.isEmpty else { return invalid("the unit is missing") }
        if unit.hasSuffix("s"), unit != "ms" { unit.removeLast() }
        guard let match = units.first(where: { $0.names.contains(unit) }) else {
            return invalid("'\(unit)' is not a unit")
        }
        let milliseconds = (value * match.milliseconds).rounded(.down)
        guard milliseconds < Double(Int64.max / 2) else { return invalid("it is too long") }
        return .milliseconds(Int64(milliseconds))
    }

    static func format(milliseconds: Int64) -> String {
        for (names, size) in units.reversed() where size >= 1000 {
            let unit = Int64(size)
            if milliseconds != 0, milliseconds % unit == 0 {
                let count = milliseconds / unit
                return "\(count) \(names[0])\(count == 1 ? "" : "s")"
            }
        }
        return "\(milliseconds) millisecond\(milliseconds == 1 ? "" : "s")"
    }
}
