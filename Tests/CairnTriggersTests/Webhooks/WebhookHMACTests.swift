@testable import CairnTriggers
import Foundation
import Testing

/// The libcrypto primitives every scheme rests on.
@Suite struct WebhookHMACTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func rfc4231TestCase2() {
        let tag = HMACSHA256.mac(key: Array("Jefe".utf8), message: Data("what do ya want for nothing?".utf8))
        #expect(hex(tag) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func emptyKeyAndEmptyMessageHaveADefinedTag() {
        // openssl dgst -sha256 -hmac '' < /dev/null
        #expect(hex(HMACSHA256.mac(key: [], message: Data())) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func keysLongerThanABlockAreHashedFirst() {
        // RFC 4231 test case 6: a 131-byte key of 0xaa.
        let tag = HMACSHA256.mac(key: [UInt8](repeating: 0xaa, count: 131),
                                 message: Data("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(hex(tag) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func messageSlicesAreHashedFromTheirOwnStart() {
        let whole = Data("xxHello, World!".utf8)
        let slice = whole.dropFirst(2)
        #expect(HMACSHA256.mac(key: Array("k".utf8), message: slice) == HMACSHA256.mac(key: Array("k".utf8), message: Data("Hello, World!".utf8)))
    }

    @Test func equalComparesWholeTagsOnly() {
        let tag = HMACSHA256.mac(key: [1], message: Data([2]))
        var flipped = tag
        flipped[31] ^= 1
        #expect(HMACSHA256.equal(tag, tag))
        #expect(!HMACSHA256.equal(tag, flipped))
        #expect(!HMACSHA256.equal(tag, Array(tag.prefix(16))))
        #expect(!HMACSHA256.equal([], []))
    }
}
