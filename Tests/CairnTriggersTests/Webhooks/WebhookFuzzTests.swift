@testable import CairnTriggers
import Foundation
import Testing

/// Random and mutated header values for every scheme: the verifier must refuse or accept,
/// never trap, and never accept a signature it was not given.
@Suite struct WebhookFuzzTests {
    /// A small deterministic generator, so a failure reproduces from the seed in its message.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Pieces that header parsers trip over: separators, prefixes, digits, hex, base64,
    /// padding, whitespace, NUL, non-ASCII digits and letters, long runs.
    static let atoms = ["t=", "v1=", "v0=", "v1,", "v1a,", "sha256=", ",", "=", "==", " ", "\t", ".", ":", "-", "+", "/",
                        "0", "9", "17000000", "99999999999999999999", "a", "f", "F", "g", "z", "A", "Z", "\u{0}", "é", "١", "𝟘", "🧪",
                        "757107ea0eb2509fc211221cce984b8a", "g0hM9SsE+OTPJTGt/tmIKtSy", String(repeating: "a", count: 64),
                        String(repeating: "0", count: 5000)]

    static func randomText(_ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in atoms.randomElement(using: &rng)! }.joined()
    }

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let position = chars.isEmpty ? 0 : Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !chars.isEmpty: chars.remove(at: position)
            case 1: chars.insert(contentsOf: atoms.randomElement(using: &rng)!, at: position)
            case 2 where !chars.isEmpty: chars[position] = Array(atoms.randomElement(using: &rng)!).first ?? "x"
            default: chars = Array(chars.prefix(position))
            }
        }
        return String(chars)
    }

    /// Names of the headers each scheme reads, signature first.
    static func headerNames(_ fixture: SchemeFixture) -> [String] {
        let signed = fixture.request(Data("{}".utf8)).headers.map(\.name)
        return [fixture.signatureHeader] + signed.filter { !WebhookRequest.sameName($0, fixture.signatureHeader) }
    }

    @Test(arguments: SchemeFixture.all)
    func randomSignatureHeadersAreRefusedWithoutCrashing(_ fixture: SchemeFixture) throws {
        let seed: UInt64 = 0xC0FFEE ^ UInt64(fixture.label.utf8.count)
        var rng = SplitMix64(state: seed)
        let verifier = try fixture.verifier([fixture.primary, fixture.other])
        let names = Self.headerNames(fixture)
        for round in 0..<2_000 {
            var request = fixture.request(Data("{\"id\":\"evt_\(round)\"}".utf8))
            request = request.replacing(fixture.signatureHeader, with: Self.randomText(&rng))
            for name in names.dropFirst() where Bool.random(using: &rng) {
                request = request.replacing(name, with: Bool.random(using: &rng) ? Self.randomText(&rng) : nil)
            }
            if Int.random(in: 0..<10, using: &rng) == 0 {
                request.headers.append((names.randomElement(using: &rng)!, Self.randomText(&rng)))
            }
            let outcome = Result { () throws(WebhookRefusal) in try verifier.verify(request) }
            #expect(outcome.refusal != nil, "seed \(seed) round \(round) accepted \(request.headers)")
            #expect(outcome.refusal?.reason.isEmpty == false)
        }
    }

    @Test(arguments: SchemeFixture.all)
    func mutatedValidHeadersNeverCrash(_ fixture: SchemeFixture) throws {
        let seed: UInt64 = 0xBADC0DE ^ UInt64(fixture.label.utf8.count)
        var rng = SplitMix64(state: seed)
        let verifier = try fixture.verifier()
        let names = Self.headerNames(fixture)
        var refused = 0
        for round in 0..<2_000 {
            let valid = fixture.request(Data("payload \(round)".utf8), at: WebhookClock.nowSeconds - Int64.random(in: -400...400, using: &rng))
            let name = names.randomElement(using: &rng)!
            let request = valid.replacing(name, with: Self.mutate(valid.value(name) ?? "", &rng))
            if case .failure = Result(catching: { () throws(WebhookRefusal) in try verifier.verify(request) }) { refused += 1 }
        }
        // Unsigned headers (GitHub's event name) and in-tolerance timestamps may survive a mutation.
        #expect(refused > 300, "seed \(seed): mutations of signed headers must break the delivery")
    }

    @Test func randomTimestampDigitsNeverTrap() throws {
        var rng = SplitMix64(state: 42)
        let fixture = SchemeFixture.named("slack")
        let verifier = try fixture.verifier()
        for _ in 0..<2_000 {
            let digits = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let request = fixture.request(Data()).replacing("X-Slack-Request-Timestamp", with: digits)
            let outcome = Result { () throws(WebhookRefusal) in try verifier.verify(request) }
            #expect(outcome.refusal != nil)
        }
    }

    @Test func extremeReceiveTimesAreRefusedNotTrapped() throws {
        let fixture = SchemeFixture.named("stripe")
        let verifier = try fixture.verifier()
        for received in [Date.distantPast, .distantFuture, Date(timeIntervalSince1970: .greatestFiniteMagnitude), Date(timeIntervalSince1970: .nan)] {
            var request = fixture.request(Data())
            request.receivedAt = received
            #expect(Result { () throws(WebhookRefusal) in try verifier.verify(request) }.refusal?.code == .timestampOutOfTolerance)
        }
        var maxTimestamp = fixture.request(Data(), at: 999_999_999_999_999_999)
        maxTimestamp.receivedAt = Date(timeIntervalSince1970: -9.2e18)
        #expect(Result { () throws(WebhookRefusal) in try verifier.verify(maxTimestamp) }.refusal?.code == .timestampOutOfTolerance)
    }
}
