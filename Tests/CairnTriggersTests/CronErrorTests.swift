import CairnTriggers
import Foundation
import Testing

/// One bad expression and what its `CronError` must say.
///
/// `positions` lists the 1-based character positions accepted as "where the bad token starts".
/// Most rows have exactly one; a row has two or three when the spec leaves it open whether the
/// token is the whole element or the offending part of it (`*/0`: the element at 1 or the step
/// at 3; a dangling `1-`: the element or the missing bound after it). `nil` means the position
/// is not about one token (wrong field count) and is only checked to lie inside the text.
struct CronErrorCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let field: Int?
    let positions: [Int]?
    /// Exact text the message must contain (range errors), or nil.
    let message: String?

    init(_ expression: String, field: Int?, at positions: [Int]?, _ message: String? = nil) {
        self.expression = expression
        self.field = field
        self.positions = positions
        self.message = message
    }

    var testDescription: String { "\"\(expression)\"" }
}

@Suite struct CronErrorTests {
    static let fieldNames = [1: "minute", 2: "hour", 3: "day of month", 4: "month", 5: "day of week"]

    // Positions count characters from 1: in "* * * * X" the fifth field starts at 9, in
    // "* * X * *" the third at 5, in "* * * X *" the fourth at 7.
    static let cases: [CronErrorCase] = [
        // Not five fields: the error is about the whole expression.
        .init("", field: nil, at: nil),
        .init("   ", field: nil, at: nil),
        .init("* * * *", field: nil, at: nil),
        .init("* * * * * *", field: nil, at: nil),
        .init("0 0 1 1 * extra", field: nil, at: nil),
        .init("60", field: nil, at: nil),
        // Out of range, alone, in ranges, lists, steps and with W.
        .init("60 * * * *", field: 1, at: [1], "60 is out of range 0-59"),
        .init("0-60 * * * *", field: 1, at: [3], "60 is out of range 0-59"),
        .init("5,61 * * * *", field: 1, at: [3], "61 is out of range 0-59"),
        .init("* 24 * * *", field: 2, at: [3], "24 is out of range 0-23"),
        .init("* 0-24/2 * * *", field: 2, at: [5], "24 is out of range 0-23"),
        .init("* * 32 * *", field: 3, at: [5], "32 is out of range 1-31"),
        .init("* * 0 * *", field: 3, at: [5], "0 is out of range 1-31"),
        .init("* * 32W * *", field: 3, at: [5], "32 is out of range 1-31"),
        .init("* * * 13 *", field: 4, at: [7], "13 is out of range 1-12"),
        .init("* * * 0 *", field: 4, at: [7], "0 is out of range 1-12"),
        .init("* * * 1-13 *", field: 4, at: [9], "13 is out of range 1-12"),
        .init("* * * * 8", field: 5, at: [9], "8 is out of range 0-7"),
        .init("0 0 1 1 99", field: 5, at: [9], "99 is out of range 0-7"),
        .init("* * * * 8#1", field: 5, at: [9]),
        // Step 0.
        .init("*/0 * * * *", field: 1, at: [1, 3]),
        .init("1/0 * * * *", field: 1, at: [1, 3]),
        .init("0 0 1-10/0 * *", field: 3, at: [5, 10]),
        // Unknown names, and names where none are allowed.
        .init("FOO * * * *", field: 1, at: [1]),
        .init("* * * FOO *", field: 4, at: [7]),
        .init("* * * JANUARY *", field: 4, at: [7]),
        .init("* * * * FOO", field: 5, at: [9]),
        .init("* * * * MON-FOO", field: 5, at: [9, 13]),
        // L, W and # outside the fields that allow them, or malformed.
        .init("L * * * *", field: 1, at: [1]),
        .init("* L * * *", field: 2, at: [3]),
        .init("* * * L *", field: 4, at: [7]),
        .init("* * W * *", field: 3, at: [5]),
        .init("* * * * 1W", field: 5, at: [9, 10]),
        .init("* * * * 1#6", field: 5, at: [9, 11]),
        .init("* * * * 1#0", field: 5, at: [9, 11]),
        .init("* * * * SUN#0", field: 5, at: [9, 13]),
        .init("* * * * 1#", field: 5, at: [9, 10, 11]),
        .init("* * * * #1", field: 5, at: [9]),
        .init("* * L-x * *", field: 3, at: [5, 7]),
        // Lower-case letters are names only; l, w and the L suffix must be upper-case.
        .init("* * l * *", field: 3, at: [5]),
        .init("* * 15w * *", field: 3, at: [5, 7]),
        .init("* * * * 5l", field: 5, at: [9, 10]),
        // Quartz's '?' is not cron.
        .init("* * ? * *", field: 3, at: [5]),
        .init("* * * * ?", field: 5, at: [9]),
        // Macros other than the seven known ones.
        .init("@reboot", field: nil, at: [1]),
        .init("@REBOOT", field: nil, at: [1]),
        .init("@foo", field: nil, at: [1]),
        .init("@", field: nil, at: [1]),
        // Dangling separators.
        .init("1, * * * *", field: 1, at: [1, 2, 3]),
        .init("1,,2 * * * *", field: 1, at: [1, 2, 3]),
        .init("1- * * * *", field: 1, at: [1, 2, 3]),
        .init("-5 * * * *", field: 1, at: [1]),
        .init("*/ * * * *", field: 1, at: [1, 2, 3]),
        .init("5-3-1 * * * *", field: 1, at: [1, 4]),
        // Garbage.
        .init("x * * * *", field: 1, at: [1]),
        .init("* $ * * *", field: 2, at: [3]),
        .init("** * * * *", field: 1, at: [1, 2]),
        .init("* * * * MON!", field: 5, at: [9, 12]),
        .init("* * * * ☃", field: 5, at: [9]),
    ]

    @Test(arguments: cases)
    func badExpressionsSayWhichFieldAndWhere(_ row: CronErrorCase) {
        do {
            let cron = try CronExpression(row.expression)
            Issue.record("\(row.testDescription) parsed as \(cron)")
        } catch {
            guard let error = Self.cronError(error) else {
                Issue.record("\(row.testDescription) threw \(type(of: error)), not CronError: \(error)")
                return
            }
            #expect(error.field == row.field, "field of \(row.testDescription): \(error)")
            if let positions = row.positions {
                #expect(positions.contains(error.position), "position of \(row.testDescription) is \(error.position), want one of \(positions): \(error)")
            } else {
                #expect((1...max(1, row.expression.count + 1)).contains(error.position), "position of \(row.testDescription): \(error)")
            }
            if let field = row.field, let name = Self.fieldNames[field] {
                #expect(error.description.hasPrefix("field \(field) (\(name))"), "description of \(row.testDescription): \(error)")
            }
            if let message = row.message {
                #expect(error.message.contains(message), "message of \(row.testDescription): \(error.message)")
                #expect(error.description.contains(message), "description of \(row.testDescription): \(error)")
            }
            #expect(!error.message.isEmpty)
        }
    }

    /// Whether or not `CronExpression.init` uses typed throws, only a `CronError` may come out.
    static func cronError(_ error: any Error) -> CronError? { error as? CronError }

    /// Thousands of strings from the cron alphabet, half shaped like five fields, half raw: each
    /// either parses or throws `CronError` with a sane field and position, and whatever parses
    /// fires strictly after the instant it is asked about, in order.
    @Test func randomExpressionsParseOrThrowAndNeverFireInThePast() throws {
        var random = CronFuzzRandom(seed: 0xC0FFEE)
        let zones = try ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"].map {
            try #require(TimeZone(identifier: $0))
        }
        let base = try #require(CronTableCase.instant("2026-01-01T00:00:00Z"))
        var parsed = 0
        for round in 0..<3000 {
            let text = round % 2 == 0 ? Self.fieldShaped(&random) : Self.raw(&random)
            let cron: CronExpression
            do {
                cron = try CronExpression(text)
            } catch {
                guard let error = Self.cronError(error) else {
                    Issue.record("\(text) threw \(type(of: error)), not CronError")
                    continue
                }
                if let field = error.field { #expect((1...5).contains(field), "\(text): \(error)") }
                #expect((1...max(1, text.count + 1)).contains(error.position), "\(text): \(error)")
                continue
            }
            parsed += 1
            let zone = zones[Int(random.next() % UInt64(zones.count))]
            // Any instant in 2026-2030, with seconds, so DST transitions are crossed now and then.
            let start = base.addingTimeInterval(Double(random.next() % (5 * 365 * 86_400)))
            let next = cron.next(after: start, in: zone)
            if let next { #expect(next > start, "\(text) in \(zone.identifier) after \(start): \(next)") }
            #expect(cron.fire(after: start, in: zone)?.date == next, "\(text) in \(zone.identifier) after \(start)")
            let fires = cron.fires(after: start, in: zone, count: 3)
            #expect(fires.first?.date == next, "\(text) in \(zone.identifier) after \(start)")
            var previous = start
            for fire in fires {
                #expect(fire.date > previous, "\(text) in \(zone.identifier) after \(start): \(fires.map(\.date))")
                #expect(fire.date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0, "\(text): fires on a whole minute")
                previous = fire.date
            }
        }
        #expect(parsed > 200, "the generator should produce plenty of valid expressions, got \(parsed)")
    }

    static let pieces = ["*", "*/", "-", ",", "/", "L", "W", "#", "?", "@", "LW", "L-", "JAN", "feb", "DEC", "MON", "sun", "FRI", "x", " "]
    static let bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]

    /// Five fields, each usually valid for its position (so that many parse and reach `next`),
    /// sometimes an element drawn from anywhere.
    static func fieldShaped(_ random: inout CronFuzzRandom) -> String {
        (0..<5).map { field in
            if random.next() % 8 == 0 { return special(field, &random) }
            let count = random.next() % 4 == 0 ? 2 + Int(random.next() % 2) : 1
            return (0..<count).map { _ in
                random.next() % 7 == 0 ? wild(&random) : plain(field, &random)
            }.joined(separator: ",")
        }.joined(separator: random.next() % 10 == 0 ? "\t" : " ")
    }

    static func plain(_ field: Int, _ random: inout CronFuzzRandom) -> String {
        let (low, high) = bounds[field]
        func value() -> UInt64 { UInt64(low) + random.next() % UInt64(high - low + 1) }
        switch random.next() % 6 {
        case 0: return "*"
        case 1: return "*/\(1 + random.next() % 12)"
        case 2: return "\(value())-\(value())"
        case 3: return "\(value())-\(value())/\(1 + random.next() % 12)"
        case 4: return "\(value())/\(1 + random.next() % 12)"
        default: return "\(value())"
        }
    }

    static func special(_ field: Int, _ random: inout CronFuzzRandom) -> String {
        switch field {
        case 2: return ["L", "L-\(1 + random.next() % 30)", "\(1 + random.next() % 31)W", "LW", "L-\(1 + random.next() % 5)W"][Int(random.next() % 5)]
        case 3: return ["JAN", "feb", "Mar-Jun", "NOV-FEB", "DEC"][Int(random.next() % 5)]
        case 4: return ["\(random.next() % 8)#\(1 + random.next() % 5)", "\(random.next() % 8)L", "L", "FRIL", "MON#2", "tue-Thu", "SAT-MON"][Int(random.next() % 7)]
        default: return plain(field, &random)
        }
    }

    static func wild(_ random: inout CronFuzzRandom) -> String {
        func number() -> String { String(random.next() % 64) }
        switch random.next() % 8 {
        case 0: return "\(number())-\(number())/\(random.next() % 13)"
        case 1: return "L-\(random.next() % 32)"
        case 2: return "\(random.next() % 33)W"
        case 3: return "\(random.next() % 9)#\(random.next() % 7)"
        case 4: return "\(random.next() % 9)L"
        case 5: return pieces[Int(random.next() % UInt64(pieces.count))]
        default: return number()
        }
    }

    static func raw(_ random: inout CronFuzzRandom) -> String {
        let length = Int(random.next() % 24)
        return (0..<length).map { _ in
            random.next() % 3 == 0 ? pieces[Int(random.next() % UInt64(pieces.count))] : String(random.next() % 10)
        }.joined()
    }
}

/// A tiny deterministic generator, so a fuzz failure reproduces.
struct CronFuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
