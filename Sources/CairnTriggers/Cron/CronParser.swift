/// Parses the five fields of a cron expression. Every error names the field, the character
/// position and what the field allows.
struct CronParser {
    let expression: String

    /// The macros and what they stand for.
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// A token of the expression with its 1-based position.
    struct Token {
        var text: Substring
        var position: Int
    }

    func parse() throws(CronError) -> [CronField] {
        let chars = Array(expression)
        var tokens: [Token] = []
        var index = 0
        while index < chars.count {
            if chars[index] == " " || chars[index] == "\t" {
                index += 1
                continue
            }
            let start = index
            while index < chars.count, chars[index] != " ", chars[index] != "\t" { index += 1 }
            tokens.append(Token(text: Substring(String(chars[start..<index])), position: start + 1))
        }
        if tokens.count == 1, tokens[0].text.hasPrefix("@") {
            let name = tokens[0].text.lowercased()
            guard let expansion = Self.macros[name] else {
                throw CronError(field: nil, position: tokens[0].position,
                                message: "\(tokens[0].text) is not a known macro; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly (@reboot is not supported: a workflow that runs at start-up is a schedule-less trigger)",
                                expression: expression)
            }
            return try CronParser(expression: expansion).parse()
        }
        guard tokens.count == 5 else {
            let hint = tokens.count == 6 || tokens.count == 7 ? "; Cairn has no seconds or year field" : ""
            throw CronError(field: nil, position: tokens.first?.position ?? 1,
                            message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(tokens.count)\(hint); for example \"*/15 9-17 * * MON-FRI\" or a macro such as @daily",
                            expression: expression)
        }
        var fields: [CronField] = []
        for (kind, token) in zip(CronField.Kind.allCases, tokens) {
            fields.append(try parseField(token, kind))
        }
        return fields
    }

    private func fail(_ kind: CronField.Kind, _ position: Int, _ message: String) -> CronError {
        CronError(field: kind.rawValue, position: position, message: message, expression: expression)
    }

    private func allowed(_ kind: CronField.Kind) -> String {
        var text = "\(kind.range.lowerBound)-\(kind.range.upperBound)"
        switch kind {
        case .month: text += " or JAN-DEC"
        case .dayOfWeek: text += " (0 and 7 = Sunday, 1 = Monday) or SUN-SAT"
        default: break
        }
        return text
    }

    private func parseField(_ token: Token, _ kind: CronField.Kind) throws(CronError) -> CronField {
        var field = CronField()
        field.isStar = token.text.hasPrefix("*")
        var offset = 0
        for item in token.text.split(separator: ",", omittingEmptySubsequences: false) {
            let position = token.position + offset
            offset += item.count + 1
            guard !item.isEmpty else {
                throw fail(kind, position, "an empty list item; write values separated by single commas, e.g. 1,15,30")
            }
            try parseItem(item, kind, position, into: &field)
        }
        return field
    }

    private func parseItem(_ item: Substring, _ kind: CronField.Kind, _ position: Int, into field: inout CronField) throws(CronError) {
        if item.contains("?") {
            throw fail(kind, position, "? is not supported; write * for any value")
        }
        if kind == .dayOfMonth, item.contains("L") || item.contains("W") {
            return try parseDayOfMonthSpecial(item, position, into: &field)
        }
        if kind == .dayOfWeek, item.contains("#") || item.hasSuffix("L") {
            return try parseDayOfWeekSpecial(item, position, into: &field)
        }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw fail(kind, position, "\(item) has more than one /; write a step once, e.g. */15 or 10-50/20")
        }
        var step = 1
        if parts.count == 2 {
            let stepText = parts[1]
            let stepPosition = position + parts[0].count + 1
            guard !stepText.isEmpty, stepText.allSatisfy(\.isASCII), let value = Int(stepText) else {
                throw fail(kind, stepPosition, "the step after / must be a number from 1 to \(kind.maxStep), e.g. */5")
            }
            guard (1...kind.maxStep).contains(value) else {
                throw fail(kind, stepPosition, "step \(value) is out of range 1-\(kind.maxStep)")
            }
            step = value
        }
        let base = parts[0]
        var values: [Int]
        if base == "*" {
            values = Array(kind.range)
            if kind == .dayOfWeek { values.removeLast() }
        } else {
            guard !base.isEmpty else {
                throw fail(kind, position, "a step needs something to step through; write */\(step) or a range such as 0-30/\(step)")
            }
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else {
                throw fail(kind, position, "\(base) is not a value or a range; write a-b, e.g. \(kind == .dayOfWeek ? "MON-FRI" : "1-5")")
            }
            let low = try value(bounds[0], kind, position)
            if bounds.count == 2 {
                let high = try value(bounds[1], kind, position + bounds[0].count + 1)
                if low <= high {
                    values = Array(low...high)
                } else if kind == .dayOfWeek {
                    // 0 and 7 are both Sunday: a wrapping range such as FRI-MON (5-1) or 7-2
                    // must count Sunday once, or a step lands on the wrong days.
                    let (from, to) = (low % 7, high % 7)
                    values = from <= to ? Array(from...to) : Array(from...6) + Array(0...to)
                } else {
                    values = Array(low...kind.range.upperBound) + Array(kind.range.lowerBound...high)
                }
            } else if parts.count == 2 {
                values = Array(low...kind.range.upperBound)
            } else {
                values = [low]
            }
        }
        for (index, value) in values.enumerated() where index % step == 0 {
            field.bits |= 1 << UInt64(kind == .dayOfWeek ? value % 7 : value)
        }
    }

    /// A number or a name, checked against the field's range.
    private func value(_ text: Substring, _ kind: CronField.Kind, _ position: Int) throws(CronError) -> Int {
        guard !text.isEmpty else {
            throw fail(kind, position, "a range needs a value on both sides of -, e.g. \(kind == .dayOfWeek ? "MON-FRI" : "1-5")")
        }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard text.count <= 4, let number = Int(text), kind.range.contains(number) else {
                throw fail(kind, position, "\(text) is out of range \(kind.range.lowerBound)-\(kind.range.upperBound)")
            }
            return number
        }
        if let named = kind.value(ofName: String(text)) { return named }
        if text.contains("L") && kind != .dayOfMonth && kind != .dayOfWeek {
            throw fail(kind, position, "L (last) is allowed only in the day-of-month and day-of-week fields")
        }
        if text.contains("W") && kind != .dayOfMonth {
            throw fail(kind, position, "W (nearest weekday) is allowed only in the day-of-month field, e.g. 15W")
        }
        if text.contains("#") && kind != .dayOfWeek {
            throw fail(kind, position, "# (nth weekday) is allowed only in the day-of-week field, e.g. MON#2")
        }
        throw fail(kind, position, "\(text) is not a value of this field; allowed: \(allowed(kind))")
    }

    /// `L`, `L-n`, `nW`, `LW`, `L-nW` in the day-of-month field.
    private func parseDayOfMonthSpecial(_ item: Substring, _ position: Int, into field: inout CronField) throws(CronError) {
        let kind = CronField.Kind.dayOfMonth
        let weekday = item.hasSuffix("W")
        let body = weekday ? item.dropLast() : item
        if body.hasPrefix("L") {
            var offset = 0
            if body.count > 1 {
                let rest = body.dropFirst()
                guard rest.hasPrefix("-"), let number = Int(rest.dropFirst()), rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw fail(kind, position, "\(item) is not a last-day form; write L, L-3, LW or L-3W")
                }
                guard (1...30).contains(number) else {
                    throw fail(kind, position + 2, "L-\(number): \(number) is out of range 1-30")
                }
                offset = number
            }
            if weekday { field.lastNearestWeekdayOffsets.append(offset) } else { field.lastDayOffsets.append(offset) }
            return
        }
        guard weekday, !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }), body.count <= 2, let day = Int(body) else {
            throw fail(kind, position, "\(item) is not allowed here; W follows a day number (15W = the weekday nearest the 15th) and L stands alone (L, L-3, LW)")
        }
        guard (1...31).contains(day) else {
            throw fail(kind, position, "\(day) is out of range 1-31")
        }
        field.nearestWeekdays.append(day)
    }

    /// `x#n`, `xL` and `L` (Saturday) in the day-of-week field.
    private func parseDayOfWeekSpecial(_ item: Substring, _ position: Int, into field: inout CronField) throws(CronError) {
        let kind = CronField.Kind.dayOfWeek
        if item == "L" {
            field.bits |= 1 << 6
            return
        }
        if let hash = item.firstIndex(of: "#") {
            let weekdayText = item[..<hash]
            let nText = item[item.index(after: hash)...]
            let weekday = try value(weekdayText, kind, position) % 7
            guard !nText.isEmpty, nText.allSatisfy({ $0.isASCII && $0.isNumber }), nText.count <= 2, let n = Int(nText), (1...5).contains(n) else {
                throw fail(kind, position + weekdayText.count + 1, "#\(nText): the week number after # must be 1-5, e.g. MON#2 for the second Monday")
            }
            field.nthWeekdays.append(.init(weekday: weekday, n: n))
            return
        }
        let weekday = try value(item.dropLast(), kind, position) % 7
        field.lastWeekdays |= 1 << UInt8(weekday)
    }
}
