import Cairn
import Foundation

extension Email {
    /// The SMTP relay messages go through, and how.
    ///
    /// ```swift
    /// let relay = try Email.Relay(url: "smtp://smtp.example.com:587", username: "cairn", password: token)
    /// ```
    ///
    /// `smtps://` is TLS from the first byte (`implicit`); `smtp://` requires STARTTLS
    /// (libcurl's `CURLUSESSL_ALL`: a relay that does not offer it is refused, so a
    /// downgrade cannot strip it); `none` sends in the clear and is allowed only to a
    /// loopback host. Certificates are verified against the system's roots or `caFile`.
    public struct Relay: Sendable {
        /// How the connection is protected.
        public enum Security: String, Sendable, CaseIterable {
            /// TLS from the first byte (`smtps://`).
            case implicit
            /// STARTTLS, required: a relay that does not offer it is refused.
            case starttls
            /// In the clear: only to a loopback relay.
            case none
        }

        /// The relay's host name or address, and its port.
        public var host: String
        public var port: Int
        public var security: Security
        /// AUTH credentials; both or neither.
        public var username: String?
        public var password: String?
        /// Time to connect (and finish TLS).
        public var connectTimeout: Duration
        /// Time for the whole exchange, from connecting to the relay's reply to the message.
        public var timeout: Duration
        /// The name sent in EHLO, and the domain of Message-IDs.
        public var helo: String
        /// A PEM file of certificates to trust instead of the system's (a private relay's CA).
        public var caFile: String?

        public init(url: String, security: Security? = nil, username: String? = nil, password: String? = nil,
                    connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), helo: String? = nil, caFile: String? = nil) throws(Email.InvalidMessage) {
            let components = URLComponents(string: url)
            // Shown without any user:password@ a careless url may hold.
            let shown = components.map { parts in
                var copy = parts
                copy.user = nil
                copy.password = nil
                return copy.string ?? "(a url)"
            } ?? Address.shown(url)
            guard let components, let scheme = components.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
                  let host = components.host, !host.isEmpty else {
                throw Email.InvalidMessage("url '\(shown)' is not an SMTP relay; write smtp://smtp.example.com:587 (STARTTLS) or smtps://smtp.example.com:465 (TLS)")
            }
            guard components.path.isEmpty || components.path == "/", components.query == nil, components.user == nil else {
                throw Email.InvalidMessage("url '\(shown)' holds a path, query or user; give the host and port only (helo, username and password are settings of their own)")
            }
            if let port = components.port, !(1...65535).contains(port) {
                throw Email.InvalidMessage("url '\(shown)' has port \(port); a port is 1 to 65535 (587 for STARTTLS, 465 for smtps)")
            }
            let security = security ?? (scheme == "smtps" ? .implicit : .starttls)
            switch (scheme, security) {
            case ("smtps", .implicit), ("smtp", .starttls), ("smtp", .none): break
            case ("smtps", _):
                throw Email.InvalidMessage("tls = \"\(security.rawValue)\" does not go with smtps://, which is TLS from the start; use tls = \"implicit\" or an smtp:// url")
            default:
                throw Email.InvalidMessage("tls = \"implicit\" needs an smtps:// url (usually port 465); smtp:// uses tls = \"starttls\"")
            }
            if security == .none, !Self.isLoopback(host) {
                throw Email.InvalidMessage("tls = \"none\" sends mail and passwords in the clear, so it is allowed only to a loopback relay (127.0.0.1, ::1, localhost), not \(host); use starttls or an smtps:// url")
            }
            if let helo, helo.isEmpty || !helo.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "/" && $0 != "?" && $0 != "#" && $0 != "%" && $0 != ">" && $0 != "<" && $0 != "@" }) {
                throw Email.InvalidMessage("helo '\(Address.shown(helo))' is not a host name; write e.g. helo = \"mail.example.com\"")
            }
            for (name, value) in [("username", username), ("password", password)] where value.map(Address.hasControlCharacters) == true {
                throw Email.InvalidMessage("\(name) holds a line break or another control character")
            }
            guard connectTimeout > .zero, timeout > .zero else { throw Email.InvalidMessage("connect_timeout and timeout must be positive") }
            self.host = host
            self.port = components.port ?? (scheme == "smtps" ? 465 : 587)
            self.security = security
            self.username = username
            self.password = password
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.helo = helo ?? Self.defaultHelo
            self.caFile = caFile
        }

        /// The URL libcurl takes: the EHLO name goes in the path.
        var curlURL: String {
            let bracketed = host.contains(":") ? "[\(host)]" : host
            return "\(security == .implicit ? "smtps" : "smtp")://\(bracketed):\(port)/\(helo)"
        }

        /// `localhost`, `::1` or an IPv4 address in 127.0.0.0/8 (not a name that merely starts with 127.).
        static func isLoopback(_ host: String) -> Bool {
            let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if host == "localhost" || host == "::1" { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
        }

        /// This machine's name when it looks like a host name, else `localhost`.
        static let defaultHelo: String = {
            let name = ProcessInfo.processInfo.hostName
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.".unicodeScalars)
            return !name.isEmpty && name.unicodeScalars.allSatisfy(allowed.contains) ? name : "localhost"
        }()
    }
}
