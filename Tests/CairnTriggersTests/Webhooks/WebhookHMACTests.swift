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

    @Test func aPreparedKeyGivesTheRFC4231Tags() {
        #expect(hex(HMACKey(Array("Jefe".utf8)).mac(Data("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(HMACKey([UInt8](repeating: 0xaa, count: 131)).mac(Data("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(hex(HMACKey([]).mac(Data())) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func aPreparedKeyAgreesWithTheOneShotTagOnEveryLength() {
        // Keys and messages of every length around the 64-byte block, each used twice: a
        // prepared key must start every tag from the key alone, never from the last message.
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 24, 63, 64, 65, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prepared = HMACKey(key)
            // Tags from the prepared context, not from the one-shot fallback they are compared to.
            #expect(prepared.isPrepared, "key of \(keyLength) bytes")
            for messageLength in [0, 1, 55, 56, 64, 1000] {
                let message = Data((0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) })
                #expect(prepared.mac(message) == HMACSHA256.mac(key: key, message: message), "key \(keyLength) bytes, message \(messageLength) bytes")
                #expect(prepared.mac(message) == HMACSHA256.mac(key: key, message: message))
            }
        }
        #expect(HMACKey(Array("k".utf8)).mac(Data("xxHello, World!".utf8).dropFirst(2)) == HMACSHA256.mac(key: Array("k".utf8), message: Data("Hello, World!".utf8)))
    }

    @Test func onePreparedKeyServesConcurrentCallers() async {
        let key = HMACKey(Array("shared".utf8))
        #expect(key.isPrepared)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for n in 0..<200 {
                        let message = Data("delivery \(task)-\(n)".utf8)
                        if key.mac(message) != HMACSHA256.mac(key: Array("shared".utf8), message: message) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func aPreparedKeyNeverShowsItsBytes() {
        let key = HMACKey(Array("s3cret-bytes".utf8))
        var dumped = ""
        dump(key, to: &dumped)
        #expect("\(key)" == "HMACKey(12 bytes)")
        #expect(!dumped.contains("115"), "dump shows no byte of the key: \(dumped)")
    }
}
