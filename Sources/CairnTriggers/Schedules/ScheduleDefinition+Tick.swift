import Cairn
import Foundation

extension ScheduleDefinition {
    /// The instance ID of the tick at `time`: `cron-<name>-<YYYYMMDDTHHMMZ>` in UTC, so one
    /// tick can never create two instances (a restart, a retry, a backfill over the same
    /// window, two processes on one database all compute the same ID).
    public func instanceID(forTick time: Date) -> String {
        "cron-\(name)-\(Self.tickStamp(time))"
    }

    /// `20261125T1300Z`: the tick's UTC minute.
    public static func tickStamp(_ time: Date) -> String {
        let seconds = Int64(saturating: time.timeIntervalSince1970.rounded(.down))
        let days = Int(CivilDate.floorDiv(seconds, 86_400))
        let minuteOfDay = Int((seconds - Int64(days) * 86_400) / 60)
        let (year, month, day) = CivilDate.date(days: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)\(two(month))\(two(day))T\(two(minuteOfDay / 60))\(two(minuteOfDay % 60))Z"
    }

    /// The params of the tick's instance: the configured params plus `cron` (the expression),
    /// `scheduledTime` (ISO 8601 UTC) and `schedule` (the name); these three win over
    /// configured params of the same name.
    public func payload(forTick time: Date) -> JSONValue {
        var members = params
        members["cron"] = .string(cron.source)
        members["scheduledTime"] = .string(time.formatted(JSONEncoder.timestampStyle))
        members["schedule"] = .string(name)
        return .object(members)
    }
}
