/// Whole numbers from floating-point values that never trap. `Int64(someDouble)` traps on
/// NaN, infinity and anything outside Int64's range, and such values reach the engine from
/// requests, configs and workflow code (a cursor, a `sleepUntil` date far in the future).
extension Int64 {
    /// `value` rounded toward zero, clamped to `Int64.min...Int64.max`; NaN becomes 0.
    ///
    /// ```swift
    /// Int64(saturating: 1e300)   // Int64.max
    /// ```
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if let exact = Int64(exactly: value.rounded(.towardZero)) {
            self = exact
        } else {
            self = value > 0 ? .max : .min
        }
    }
}
