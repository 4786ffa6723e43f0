import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 through libcrypto: of bytes, and of a file read in 256 KiB blocks.
enum SHA256Digest {
    struct Failure: Error {
        var message: String
    }

    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }

    /// The digest of `bytes`.
    static func of(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
        }
        return digest
    }

    /// The size and digest of the open file `descriptor`, read from its start. Stops once
    /// more than `limit` bytes were read (the size then says so).
    static func of(descriptor: Int32, limit: Int64 = .max) throws(Failure) -> (size: Int64, digest: [UInt8]) {
        guard let context = EVP_MD_CTX_new() else { throw Failure(message: "libcrypto could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw Failure(message: "libcrypto could not start SHA-256") }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var size: Int64 = 0
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "reading the file failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            _ = buffer.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, count) }
            size += Int64(count)
            offset += off_t(count)
            if size > limit { break }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else { throw Failure(message: "libcrypto could not finish SHA-256") }
        return (size, digest)
    }
}
