@testable import CairnTriggers
import Foundation
import Testing

/// What every scheme must do, run once per scheme: accept its own signature, refuse any
/// change to what is signed, accept any active secret, and refuse stale or future timestamps.
@Suite struct WebhookSchemeContractTests {
    static let body = Data(#"{"id":"evt_1","event_id":"Ev1","action":"opened"}"#.utf8)

    @Test(arguments: SchemeFixture.all)
    func validDeliveryIsAccepted(_ fixture: SchemeFixture) throws {
        let delivery = try fixture.verifier().verify(fixture.request(Self.body))
        #expect(delivery.secretIndex == 0)
        #expect(delivery.timestamp == (fixture.hasTimestamp ? WebhookClock.now : nil))
    }

    @Test(arguments: SchemeFixture.all)
    func emptyBodyIsSignedLikeAnyOther(_ fixture: SchemeFixture) throws {
        _ = try fixture.verifier().verify(fixture.request(Data()))
    }

    @Test(arguments: SchemeFixture.all)
    func tamperedBodyIsRefused(_ fixture: SchemeFixture) throws {
        var request = fixture.request(Self.body)
        request.body.append(UInt8(ascii: " "))
        let verifier = try fixture.verifier()
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.code == .signatureMismatch)
    }

    @Test(arguments: SchemeFixture.all)
    func signatureByAnUnknownSecretIsRefused(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier([fixture.primary])
        let request = fixture.request(Self.body, secret: fixture.other)
        let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(request) }
        #expect(refused?.code == .signatureMismatch)
        #expect(refused?.reason.contains("signature mismatch") == true)
    }

    @Test(arguments: SchemeFixture.all)
    func eitherSecretVerifiesDuringRotation(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier([fixture.other, fixture.primary])
        #expect(try verifier.verify(fixture.request(Self.body, secret: fixture.primary)).secretIndex == 1)
        #expect(try verifier.verify(fixture.request(Self.body, secret: fixture.other)).secretIndex == 0)
    }

    @Test(arguments: SchemeFixture.all)
    func missingSignatureHeaderIsRefused(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        let request = fixture.request(Self.body).replacing(fixture.signatureHeader, with: nil)
        let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(request) }
        #expect(refused?.code == .missingHeader)
        #expect(refused?.reason.contains(fixture.signatureHeader) == true)
    }

    @Test(arguments: SchemeFixture.all)
    func headerNamesMatchInAnyCase(_ fixture: SchemeFixture) throws {
        var request = fixture.request(Self.body)
        request.headers = request.headers.map { ($0.name.uppercased(), $0.value) }
        _ = try fixture.verifier().verify(request)
    }

    @Test(arguments: SchemeFixture.all)
    func twoDifferentSignatureHeadersAreRefusedAsAmbiguous(_ fixture: SchemeFixture) throws {
        var request = fixture.request(Self.body)
        let forged = fixture.request(Self.body, secret: fixture.other)
        request.headers.append((fixture.signatureHeader, forged.value(fixture.signatureHeader)!))
        let verifier = try fixture.verifier()
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.code == .ambiguousHeader)
    }

    @Test(arguments: SchemeFixture.all.filter { !$0.signedHeaders.isEmpty })
    func changedSignedHeaderIsRefused(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        for name in fixture.signedHeaders {
            let request = fixture.request(Self.body).replacing(name, with: "msg_other")
            #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.code == .signatureMismatch)
        }
    }

    @Test(arguments: SchemeFixture.all.filter(\.hasTimestamp))
    func timestampsAtTheToleranceEdgeAreAccepted(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        for offset: Int64 in [-300, 300] {
            let delivery = try verifier.verify(fixture.request(Self.body, at: WebhookClock.nowSeconds + offset))
            #expect(delivery.timestamp == Date(timeIntervalSince1970: TimeInterval(WebhookClock.nowSeconds + offset)))
        }
    }

    @Test(arguments: SchemeFixture.all.filter(\.hasTimestamp))
    func staleTimestampIsRefused(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        let request = fixture.request(Self.body, at: WebhookClock.nowSeconds - 301)
        let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(request) }
        #expect(refused?.code == .timestampOutOfTolerance)
        #expect(refused?.reason == "timestamp outside tolerance (301s old, tolerance 300s)")
    }

    @Test(arguments: SchemeFixture.all.filter(\.hasTimestamp))
    func futureTimestampIsRefused(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        let request = fixture.request(Self.body, at: WebhookClock.nowSeconds + 3600)
        let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(request) }
        #expect(refused?.code == .timestampOutOfTolerance)
        #expect(refused?.reason == "timestamp outside tolerance (3600s in the future, tolerance 300s)")
    }

    @Test(arguments: SchemeFixture.all.filter(\.hasTimestamp))
    func configuredToleranceApplies(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier(tolerance: .seconds(30))
        _ = try verifier.verify(fixture.request(Self.body, at: WebhookClock.nowSeconds - 30))
        let request = fixture.request(Self.body, at: WebhookClock.nowSeconds - 31)
        #expect(refusal { () throws(WebhookRefusal) in try verifier.verify(request) }?.code == .timestampOutOfTolerance)
    }

    @Test(arguments: SchemeFixture.all.filter { !$0.hasTimestamp })
    func schemesWithoutTimestampIgnoreAge(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        let old = fixture.request(Self.body, at: 0)
        #expect(try verifier.verify(old).timestamp == nil)
    }

    @Test(arguments: SchemeFixture.all.filter(\.hasTimestamp))
    func nonNumericTimestampIsMalformed(_ fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier()
        for bad in ["", "-1700000000", "+1700000000", "1700000000.5", "1e9", "99999999999999999999999", "１７００"] {
            let request = fixture.request(Self.body, at: WebhookClock.nowSeconds)
            let tampered = fixture.scheme == .stripe
                ? request.replacing("Stripe-Signature", with: request.value("Stripe-Signature")!.replacingOccurrences(of: "t=\(WebhookClock.nowSeconds)", with: "t=\(bad)"))
                : request.replacing(fixture.request(Self.body).headers.first { $0.name.lowercased().contains("timestamp") }!.name, with: bad)
            let refused = refusal { () throws(WebhookRefusal) in try verifier.verify(tampered) }
            #expect(refused?.code == (bad.isEmpty && fixture.scheme != .stripe ? .missingHeader : .malformedHeader), "\(bad)")
        }
    }
}
