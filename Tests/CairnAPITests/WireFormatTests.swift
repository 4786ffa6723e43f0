import Cairn
@testable import CairnAPI
import Foundation
import Testing

/// The API types write the wire format the management API has always had (snake_case,
/// millisecond timestamps, `null` for absent dates) and read back what they write.
@Suite struct WireFormatTests {
    static let created = Date(timeIntervalSince1970: 1_764_000_000.125)

    /// The server writes answers with the stored-JSON encoder; it must write exactly what
    /// `JSONEncoder.api` (the CLI's and clients' reference) writes for every API type.
    func text(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let text = String(decoding: try JSONEncoder.api.encode(value), as: UTF8.self)
        #expect(String(decoding: try StoredJSONEncoder.encode(value), as: UTF8.self) == text, sourceLocation: sourceLocation)
        return text
    }

    @Test func aSummaryUsesSnakeCaseAndNullForAbsentDates() throws {
        let summary = InstanceSummary(id: "a1", workflow: "w", status: .queued, triggerSource: "api", createdOn: Self.created, modifiedOn: Self.created)
        #expect(try text(summary) == #"{"created_on":"2025-11-24T16:00:00.125Z","ended_on":null,"id":"a1","modified_on":"2025-11-24T16:00:00.125Z","started_on":null,"status":"queued","trigger_source":"api","workflow":"w"}"#)
        var waiting = summary
        waiting.status = .waiting
        waiting.waitingFor = .sleep
        waiting.wakeAt = Self.created.addingTimeInterval(20)
        let json = try text(waiting)
        #expect(json.contains(#""waiting_for":"sleep""#))
        #expect(json.contains(#""wake_at":"2025-11-24T16:00:20.125Z""#))
        #expect(try JSONDecoder.api.decode(InstanceSummary.self, from: Data(json.utf8)) == waiting)
    }

    @Test func aDescriptionEmbedsParamsAndOutputAsJSONAndRoundTrips() throws {
        let summary = InstanceSummary(id: "a1", workflow: "w", status: .complete, triggerSource: "api", createdOn: Self.created, modifiedOn: Self.created,
                                      startedOn: Self.created, endedOn: Self.created)
        let steps = [
            StepDescription(type: "step", name: "fetch-1", status: "succeeded", start: Self.created, end: Self.created, output: [1, 2],
                            success: true, attempts: [AttemptDescription(attempt: 1, start: Self.created, end: Self.created, success: true)],
                            config: ["timeout": "10 minutes"]),
            StepDescription(type: "sleep", name: "nap-1", status: "slept", start: Self.created, end: Self.created, finished: true),
            StepDescription(type: "waitForEvent", name: "ok-1", status: "waiting", start: Self.created, wakeAt: Self.created, finished: false, eventType: "ok"),
        ]
        let description = InstanceDescription(summary: summary, params: ["big": 9_007_199_254_740_993], output: ["n": 1.5],
                                              error: nil, success: true, pausedOn: nil, steps: steps)
        let json = try text(description)
        for fragment in [#""params":{"big":9007199254740993}"#, #""output":{"n":1.5}"#, #""error":null"#, #""paused_on":null"#,
                         #""trigger":{"source":"api"}"#, #""step_count":3"#, #""success":true"#, #""event_type":"ok""#, #""finished":true"#] {
            #expect(json.contains(fragment), "\(fragment) missing in \(json)")
        }
        let decoded = try JSONDecoder.api.decode(InstanceDescription.self, from: Data(json.utf8))
        #expect(decoded == description)
        // A sleep carries neither attempts nor success.
        let sleep = try JSONValue(json: JSONEncoder.api.encode(steps[1]))
        #expect(sleep["attempts"] == nil && sleep["success"] == nil)
    }

    @Test func pagesAndErrorsKeepTheirShapes() throws {
        #expect(try text(InstancePage(instances: [], cursor: nil)) == #"{"cursor":null,"instances":[]}"#)
        #expect(try text(ErrorBody(code: "not_found", message: "No instance.")) == #"{"error":{"code":"not_found","message":"No instance."}}"#)
        #expect(try text(StatusChange(id: "a", status: .paused, timestamp: Self.created)) == #"{"id":"a","status":"paused","timestamp":"2025-11-24T16:00:00.125Z"}"#)
        #expect(try text(CreateInstance(id: "x")) == #"{"id":"x"}"#)
    }

    @Test func timestampsTruncateToMillisecondsAndParseBack() throws {
        let date = Date(timeIntervalSince1970: 1.9999)
        #expect(Timestamp.string(date) == "1970-01-01T00:00:01.999Z")
        #expect(Timestamp.date("1970-01-01T00:00:01.500Z") == Date(timeIntervalSince1970: 1.5))
        #expect(Timestamp.date("yesterday") == nil)
        // A stored millisecond read back shows as itself, not one less.
        #expect(Timestamp.string(Date(timeIntervalSince1970: Double(1_004) / 1000)) == "1970-01-01T00:00:01.004Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: Double(1_765_000_000_123) / 1000)).hasSuffix(".123Z"))
    }

    /// The hand-written formatter against Foundation's ISO 8601 style, from year 0000 to
    /// 9999: leap days, century years, negative times, the Julian-Gregorian switch (where
    /// Foundation's own calendar changes), each edge and random instants.
    @Test func timestampsMatchFoundationsISOFormatAcrossTheWholeRange() {
        func foundation(_ millis: Int64) -> String {
            let seconds = Date(timeIntervalSince1970: Double((millis - ((millis % 1000) + 1000) % 1000) / 1000))
            let text = seconds.formatted(Date.ISO8601FormatStyle())
            return String(text.dropLast()) + String(format: ".%03dZ", Int((millis % 1000 + 1000) % 1000))
        }
        var samples: [Int64] = [
            0, -1, 1, 999, -999, -1000, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000,
            -2_208_988_800_000, 1_795_617_421_123, Timestamp.earliestMillis, Timestamp.latestMillis, -62_162_035_200_000, 253_370_764_800_000,
            Timestamp.gregorianStartMillis, Timestamp.gregorianStartMillis - 1, Timestamp.gregorianStartMillis + 86_400_000,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { samples.append(Int64.random(in: Timestamp.earliestMillis...Timestamp.latestMillis, using: &generator)) }
        for millis in samples {
            #expect(Timestamp.string(millis: millis) == foundation(millis), "\(millis)")
        }
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1e12)) == "9999-12-31T23:59:59.999Z")
    }
}
