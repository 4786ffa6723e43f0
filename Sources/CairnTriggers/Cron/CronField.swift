/// One parsed field of a cron expression: the plain values as a bit set, plus the
/// day-of-month and day-of-week specials (`L`, `W`, `#`) that depend on the month.
struct CronField: Sendable, Hashable {
    /// The five fields, in order.
    enum Kind: Int, CaseIterable, Sendable {
        case minute = 1, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day of month"
            case .month: "month"
            case .dayOfWeek: "day of week"
            }
        }

        /// The values a plain number may take (day of week: 0-7, both 0 and 7 Sunday).
        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// The largest step: the field's span (`*/7` in day of week is 0 and 7, Sunday).
        var maxStep: Int { range.upperBound - range.lowerBound }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value of a name (`JAN` = 1, `SUN` = 0), case-insensitively.
        func value(ofName name: String) -> Int? {
            guard let index = names.firstIndex(of: name.uppercased()) else { return nil }
            return self == .month ? index + 1 : index
        }
    }

    /// Plain values: bit n set when value n matches (day of week folded to 0-6).
    var bits: UInt64 = 0
    /// The field starts with `*` (Vixie's rule: such a day field does not take part in the OR).
    var isStar = false
    /// Day of month: `L-n` offsets (0 for `L`).
    var lastDayOffsets: [Int] = []
    /// Day of month: `nW` days.
    var nearestWeekdays: [Int] = []
    /// Day of month: `L-nW` offsets (0 for `LW`).
    var lastNearestWeekdayOffsets: [Int] = []
    /// Day of week: `x#n` as (weekday 0-6, n).
    var nthWeekdays: [NthWeekday] = []
    /// Day of week: `xL` weekdays, as a bit set over 0-6.
    var lastWeekdays: UInt8 = 0

    struct NthWeekday: Sendable, Hashable {
        var weekday: Int
        var n: Int
    }

    func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

    /// The smallest set value ≥ `value`, if any.
    func next(atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (~0 << UInt64(value))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    var hasSpecials: Bool {
        !lastDayOffsets.isEmpty || !nearestWeekdays.isEmpty || !lastNearestWeekdayOffsets.isEmpty || !nthWeekdays.isEmpty || lastWeekdays != 0
    }
}
