import Cairn
import Testing

@Suite struct DurationTests {
    @Test(arguments: [
        ("20 seconds", Int64(20_000)), ("1 second", 1_000), ("1 minute", 60_000), ("1.5 hours", 5_400_000),
        ("3 days", 259_200_000), ("2 weeks", 1_209_600_000), ("1 month", 2_592_000_000), ("1 year", 31_536_000_000),
        ("250 milliseconds", 250), ("  10   Minutes ", 600_000),
    ])
    func parsesNumberAndUnit(text: String, milliseconds: Int64) throws {
        #expect(try WorkflowDuration(parsing: text).milliseconds() == milliseconds)
    }

    @Test(arguments: ["5 fortnights", "abc", "", "-5 seconds", "10", "seconds"])
    func rejectsWhatDoesNotParse(text: String) {
        #expect(throws: WorkflowError.self) { try WorkflowDuration(parsing: text) }
        let literal = WorkflowDuration(stringLiteral: text)
        #expect(throws: WorkflowError.self) { try literal.milliseconds() }
    }

    @Test func unknownUnitErrorNamesTheUnit() {
        do {
            _ = try WorkflowDuration(parsing: "5 fortnights")
            Issue.record("expected an error")
        } catch let error as WorkflowError {
            #expect(error.message.contains("'fortnight' is not a unit"))
            #expect(error.code == .invalidDuration)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func swiftDurationsConvert() throws {
        #expect(try WorkflowDuration(.seconds(3)).milliseconds() == 3_000)
        #expect(try WorkflowDuration(.milliseconds(1500)).milliseconds() == 1_500)
    }
}

@Suite struct BackoffTests {
    @Test(arguments: [
        (Backoff.constant, [10_000, 10_000, 10_000, 10_000]),
        (Backoff.linear, [10_000, 20_000, 30_000, 40_000]),
        (Backoff.exponential, [10_000, 20_000, 40_000, 80_000]),
    ])
    func delayAfterEachFailedAttempt(backoff: Backoff, expected: [Int64]) throws {
        let policy = RetryPolicy(limit: 5, delay: "10 seconds", backoff: backoff)
        let delays = try (1...4).map { try policy.delayMilliseconds(afterFailedAttempts: $0) }
        #expect(delays == expected)
    }

    @Test func defaultsMatchProduction() throws {
        let config = StepConfig.default
        #expect(config.retries.limit == 5)
        #expect(try config.retries.delay.milliseconds() == 10_000)
        #expect(config.retries.backoff == .exponential)
        #expect(try config.timeout.milliseconds() == 600_000)
    }

    @Test(arguments: [
        StepConfig(retries: RetryPolicy(limit: -1)),
        StepConfig(retries: RetryPolicy(limit: 10_001)),
        StepConfig(timeout: .init(milliseconds: 0)),
        StepConfig(retries: RetryPolicy(delay: "3 parsecs")),
    ])
    func invalidConfigsAreRejected(config: StepConfig) {
        #expect(throws: WorkflowError.self) { try config.validate(step: "s-1") }
    }
}

@Suite struct IdentifierTests {
    @Test(arguments: ["a", "abc-123", "_x", String(repeating: "a", count: 100), "0a"])
    func validInstanceIDs(id: String) throws {
        try Identifier.validateInstanceID(id)
    }

    @Test(arguments: ["", "-a", "a.b", "a b", String(repeating: "a", count: 101), "é"])
    func invalidInstanceIDs(id: String) {
        #expect(throws: WorkflowError.self) { try Identifier.validateInstanceID(id) }
    }

    @Test(arguments: ["", String(repeating: "n", count: 257), "tab\there", "nul\u{0}"])
    func invalidStepNames(name: String) {
        #expect(throws: WorkflowError.self) { try Identifier.validateStepName(name) }
    }

    @Test func stepNamesMayHoldSpacesAndUnicode() throws {
        try Identifier.validateStepName("fetch data — ünïcode")
        try Identifier.validateStepName(String(repeating: "n", count: 256))
    }

    @Test(arguments: ["approved", "order_paid", "a-b"])
    func validEventTypes(type: String) throws {
        try Identifier.validateEventType(type)
    }

    @Test(arguments: ["order.paid", "", "-x"])
    func invalidEventTypes(type: String) {
        #expect(throws: WorkflowError.self) { try Identifier.validateEventType(type) }
    }
}
