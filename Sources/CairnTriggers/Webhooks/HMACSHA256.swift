import COpenSSL
import Foundation

/// HMAC-SHA256 and a constant-time comparison, through the system's libcrypto (OpenSSL 3).
///
/// Webhook providers sign with HMAC-SHA256 and nothing else, so this is the whole of the
/// cryptography the verifier needs: the one-shot `HMAC()` and `CRYPTO_memcmp`.
public enum HMACSHA256 {
    /// The length of a tag in bytes.
    public static let byteCount = 32

    /// The HMAC-SHA256 of `message` under `key`: 32 bytes, or none if libcrypto failed (it
    /// fails only when it cannot allocate), which ``equal(_:_:)`` never accepts.
    public static func mac(key: [UInt8], message: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLength: UInt32 = 0
        // An empty key or message may have no base address; HMAC() wants a valid pointer even
        // for a length of zero, so point at a byte that is never read instead.
        var placeholder: UInt8 = 0
        let produced = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                withUnsafeMutablePointer(to: &placeholder) { fallback in
                    out.withUnsafeMutableBufferPointer { outBytes in
                        HMAC(EVP_sha256(),
                             keyBytes.baseAddress ?? UnsafeRawPointer(fallback), Int32(clamping: keyBytes.count),
                             messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(fallback),
                             messageBytes.count,
                             outBytes.baseAddress, &outLength)
                    }
                }
            }
        }
        // Never a zeroed buffer on failure: a sender can compute zeros too.
        guard produced != nil, outLength == UInt32(byteCount) else { return [] }
        return out
    }

    /// Whether `a` and `b` hold the same bytes, in time that depends only on their length.
    /// Empty tags are never equal: an empty tag is a failed ``mac(key:message:)``.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { aBytes in
            b.withUnsafeBytes { bBytes in
                CRYPTO_memcmp(aBytes.baseAddress, bBytes.baseAddress, a.count) == 0
            }
        }
    }
}
