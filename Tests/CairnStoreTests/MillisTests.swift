@testable import CairnStore
import Foundation
import Testing

@Suite struct MillisTests {
    @Test func aStoredTimeReadBackConvertsToTheSameMilliseconds() {
        for millis: Int64 in [0, 1, 1_004, 1_299, 5_004, 1_800_000_000_001, 1_765_000_000_123, -1_004] {
            #expect(Date(millis: millis).millis == millis)
        }
        // Sub-millisecond parts are still cut, not rounded.
        #expect(Date(timeIntervalSince1970: 1.0049).millis == 1_004)
    }
}
