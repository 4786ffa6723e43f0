import COpenSSL
import Foundation
import Synchronization

/// An HMAC-SHA256 key prepared once: each tag starts from a copy of a context that has already
/// absorbed the key, instead of libcrypto's one-shot `HMAC()`, which looks the algorithm up
/// and hashes the key again on every call (a third of a signed delivery's verification, W5
/// signed, perf). Tags are identical to ``HMACSHA256/mac(key:message:)``'s.
///
/// ```swift
/// let key = HMACKey(Array(secret.utf8))
/// let tag = key.mac(Data(body.utf8))
/// ```
package final class HMACKey: Sendable {
    /// The prepared context, only ever copied (under `lock`), never updated; `nil` when
    /// libcrypto could not prepare one, and then every tag takes the one-shot path.
    private let template: Mutex<OpaquePointer?>
    /// The key itself (for checks of what a config loaded; never logged).
    package let bytes: [UInt8]

    /// Prepares `key` (any length; an empty key is a key too). Should libcrypto fail to
    /// prepare it, the key still works, through the one-shot path.
    package init(_ key: [UInt8]) {
        bytes = key
        template = Mutex(Self.prepare(key))
    }

    /// Whether tags start from the prepared context (rather than the one-shot fallback).
    package var isPrepared: Bool { template.withLock { $0 != nil } }

    deinit {
        template.withLock { context in
            if let context { EVP_MAC_CTX_free(context) }
        }
    }

    /// The HMAC-SHA256 of `message`: 32 bytes, or none if libcrypto failed (it fails only
    /// when it cannot allocate), which ``HMACSHA256/equal(_:_:)`` never accepts.
    package func mac(_ message: Data) -> [UInt8] {
        guard let context = template.withLock({ $0.flatMap { EVP_MAC_CTX_dup($0) } }) else {
            return HMACSHA256.mac(key: bytes, message: message)
        }
        defer { EVP_MAC_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: HMACSHA256.byteCount)
        var length = 0
        var placeholder: UInt8 = 0
        let produced = message.withUnsafeBytes { messageBytes in
            withUnsafeMutablePointer(to: &placeholder) { fallback in
                out.withUnsafeMutableBufferPointer { output in
                    EVP_MAC_update(context, messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(fallback), messageBytes.count) == 1
                        && EVP_MAC_final(context, output.baseAddress, &length, output.count) == 1
                }
            }
        }
        guard produced, length == HMACSHA256.byteCount else { return [] }
        return out
    }

    /// A context for HMAC with SHA-256 that has absorbed `key`, or `nil`.
    private static func prepare(_ key: [UInt8]) -> OpaquePointer? {
        guard let algorithm = EVP_MAC_fetch(nil, "HMAC", nil) else { return nil }
        // The context holds its own reference to the algorithm.
        defer { EVP_MAC_free(algorithm) }
        guard let context = EVP_MAC_CTX_new(algorithm) else { return nil }
        var placeholder: UInt8 = 0
        let initialised = "digest".withCString { name in
            "SHA256".withCString { digest in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBytes { keyBytes in
                    withUnsafeMutablePointer(to: &placeholder) { fallback in
                        // An empty key is still a key (HMAC pads it with zeros); it needs a
                        // pointer that is not NULL, which would mean "keep the current key".
                        EVP_MAC_init(context, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(fallback), keyBytes.count, &parameters) == 1
                    }
                }
            }
        }
        guard initialised else {
            EVP_MAC_CTX_free(context)
            return nil
        }
        return context
    }
}

extension HMACKey: CustomStringConvertible, CustomReflectable {
    /// Never the key itself, so a key can be logged or dumped safely.
    package var description: String { "HMACKey(\(bytes.count) bytes)" }

    /// Only the key's length, for `dump` and debuggers.
    package var customMirror: Mirror { Mirror(self, children: ["bytes": bytes.count], displayStyle: .class) }
}
