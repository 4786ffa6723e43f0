import CCurl
import Foundation

/// One HTTP exchange through libcurl, blocking (run it off the cooperative threads, or call
/// ``performOffPool()``): no redirects followed (the caller decides each hop), only http and
/// https, the body read into memory up to a cap and cut off beyond it. Shared by the plugins
/// that speak HTTP (`http.fetch`, the embeddings plugin's OpenAI-compatible provider).
package struct CurlTransfer: Sendable {
    package struct Response: Sendable {
        package var status: Int
        /// Header lines of the final response, in order, names as sent.
        package var headers: [(name: String, value: String)]
        package var body: Data

        /// The first value of a header, by name in any case.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    package enum Failure: Error {
        /// The body went past the cap (nothing more was read).
        case tooLarge
        /// No response within the timeout.
        case timedOut
        /// The connection could not be made or broke (DNS, refused, reset, a TLS handshake).
        case connection(String)
        /// The server's TLS certificate was refused (untrusted, expired, wrong host): trying
        /// again gives the same answer until someone fixes the certificate or the trust store.
        case certificate(String)
    }

    /// libcurl's codes for a certificate it would not accept.
    static let certificateCodes: Set<UInt32> = [
        CURLE_PEER_FAILED_VERIFICATION.rawValue, CURLE_SSL_CERTPROBLEM.rawValue, CURLE_SSL_CACERT_BADFILE.rawValue,
        CURLE_SSL_ISSUER_ERROR.rawValue, CURLE_SSL_PINNEDPUBKEYNOTMATCH.rawValue, CURLE_SSL_INVALIDCERTSTATUS.rawValue,
    ]

    package var method: String
    package var url: URL
    package var headers: [(name: String, value: String)]
    package var body: Data?
    package var timeout: Duration
    package var maxBytes: Int

    package init(method: String, url: URL, headers: [(name: String, value: String)], body: Data?, timeout: Duration, maxBytes: Int) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// ``perform()`` on a global queue, never on the cooperative threads.
    package func performOffPool() async -> Result<Response, Failure> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do throws(Failure) {
                    continuation.resume(returning: .success(try perform()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    /// Accumulates what libcurl hands the callbacks.
    private final class Sink {
        var body = Data()
        var headers: [(name: String, value: String)] = []
        var limit: Int
        var overflowed = false
        init(limit: Int) { self.limit = limit }
    }

    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    package func perform() throws(Failure) -> Response {
        _ = Self.initialized
        guard let handle = curl_easy_init() else { throw .connection("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(handle) }
        let sink = Sink(limit: maxBytes)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        // libcurl would add "Expect: 100-continue" to larger bodies, costing a round trip.
        list = curl_slist_append(list, "Expect:")
        let milliseconds = max(1, Int(timeout.components.seconds) * 1000 + Int(timeout.components.attoseconds / 1_000_000_000_000_000))
        _ = ccurl_setopt_string(handle, CURLOPT_URL, url.absoluteString)
        _ = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000))
        _ = ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")      // gzip/deflate/br, decoded
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        if method == "HEAD" {
            _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        } else if method != "GET" || body != nil {
            _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_rwfunc(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            guard sink.body.count + length <= sink.limit else {
                sink.overflowed = true
                return 0        // ends the transfer (CURLE_WRITE_ERROR)
            }
            buffer.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append($0, count: length) }
            return length
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        _ = ccurl_setopt_rwfunc(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            let line = buffer.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
            if line.hasPrefix("HTTP/") {
                sink.headers = []       // a new response (after 100 Continue): its headers only
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
                sink.headers.append((name, value))
            }
            return length
        }
        let payload = body ?? Data()
        let code: CURLcode = payload.withUnsafeBytes { raw in
            // libcurl reads the body from this buffer during perform (it does not copy it).
            if body != nil, let base = raw.baseAddress {
                _ = ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count))
                _ = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            } else if body != nil {
                _ = ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")      // an empty body, copied
            }
            return curl_easy_perform(handle)
        }
        if sink.overflowed { throw .tooLarge }
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT { throw .timedOut }
            if Self.certificateCodes.contains(code.rawValue) { throw .certificate(text) }
            throw .connection(text)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, headers: sink.headers, body: sink.body)
    }
}
