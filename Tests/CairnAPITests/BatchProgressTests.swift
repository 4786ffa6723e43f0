import CairnAPI
import Foundation
import Testing

/// `cairn indexes rebuild --wait` draws its progress from the steps' names as the API
/// shows them (with the step's count appended).
@Suite struct BatchProgressTests {
    func step(_ name: String, _ status: String) -> StepDescription {
        StepDescription(type: "step", name: name, status: status, start: Date(timeIntervalSince1970: 0))
    }

    @Test func batchesAreCountedFromNamesWithTheirCount() throws {
        let steps = [step("rebuild: plan-1", "succeeded"), step("rebuild: batch 1 of 3316-1", "succeeded"),
                     step("rebuild: batch 2 of 3316-1", "succeeded"), step("rebuild: batch 3 of 3316-1", "running")]
        let progress = try #require(BatchProgress.of(steps))
        #expect(progress.done == 2 && progress.total == 3316)
        #expect(BatchProgress.of([step("rebuild: batch 1 of 7", "retrying")]).map { [$0.done, $0.total] } == [0, 7])
        #expect(BatchProgress.of([step("rebuild: plan-1", "succeeded"), step("fetch of data-1", "succeeded")]) == nil)
    }
}
