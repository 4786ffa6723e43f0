import Foundation

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
