import Cairn
import Foundation

/// `[plugins.email]`: the relay, and the defaults of every send.
///
/// ```toml
/// [plugins.email]
/// url = "smtp://smtp.example.com:587"     # STARTTLS required; smtps://…:465 for TLS from the start
/// username = "cairn"
/// password = "env:SMTP_PASSWORD"           # or "file:/run/secrets/smtp"
/// from = "Cairn <hello@example.com>"
/// ```
public struct EmailSettings: Sendable {
    /// `url`, `tls`, credentials, timeouts, `helo` and `ca_file`.
    public var relay: Email.Relay
    /// The sender when a send gives no `from`.
    public var from: Email.Address?
    /// The directory attachment paths are read from (and may not leave); `nil` refuses paths.
    public var attachmentsDirectory: String?
    /// The largest message sent, attachments encoded (`max_message_bytes`).
    public var maxMessageBytes: Int

    public init(relay: Email.Relay, from: Email.Address? = nil, attachmentsDirectory: String? = nil, maxMessageBytes: Int = Email.defaultMaxMessageBytes) {
        self.relay = relay
        self.from = from
        self.attachmentsDirectory = attachmentsDirectory
        self.maxMessageBytes = maxMessageBytes
    }

    static let keys: Set<String> = ["url", "tls", "username", "password", "connect_timeout", "timeout", "from", "helo", "ca_file", "attachments_dir", "max_message_bytes"]

    /// Reads a `[plugins.email]` table (secrets already resolved); throws naming the key.
    public init(json: JSONValue) throws(WorkflowError) {
        func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "[plugins.email] " + message) }
        guard case .object(let members) = json else { throw refuse("must be a table.") }
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw refuse("has no setting '\(unknown)'; it takes \(Self.keys.sorted().joined(separator: ", ")).")
        }
        func string(_ key: String) throws(WorkflowError) -> String? {
            guard let value = members[key] else { return nil }
            guard let text = value.stringValue else { throw refuse("\(key) must be a string.") }
            return text
        }
        func duration(_ key: String, _ fallback: Duration) throws(WorkflowError) -> Duration {
            guard let text = try string(key) else { return fallback }
            guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds > 0 else {
                throw refuse("\(key) = \"\(text)\" is not a duration; write e.g. \"30 seconds\".")
            }
            return .milliseconds(milliseconds)
        }
        guard let url = try string("url") else {
            throw refuse("url is missing; write url = \"smtp://smtp.example.com:587\" (STARTTLS) or \"smtps://smtp.example.com:465\" (TLS).")
        }
        var security: Email.Relay.Security?
        if let text = try string("tls") {
            guard let value = Email.Relay.Security(rawValue: text) else {
                throw refuse("tls = \"\(text)\" is not one of implicit, starttls, none.")
            }
            security = value
        }
        let caFile = try string("ca_file")
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile), String(decoding: data.prefix(1 << 20), as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                throw refuse("ca_file \(caFile) is not a readable PEM file of certificates (-----BEGIN CERTIFICATE-----); give the relay's CA certificate.")
            }
        }
        let username = try string("username"), password = try string("password"), helo = try string("helo")
        let connectTimeout = try duration("connect_timeout", .seconds(10)), timeout = try duration("timeout", .seconds(60))
        do {
            relay = try Email.Relay(url: url, security: security, username: username, password: password,
                                    connectTimeout: connectTimeout, timeout: timeout, helo: helo, caFile: caFile)
        } catch {
            throw refuse(error.message + ".")
        }
        if (relay.username == nil) != (relay.password == nil) { throw refuse("give both username and password, or neither.") }
        if let text = try string("from") {
            do {
                from = try Email.Address(parsing: text)
            } catch {
                throw refuse("from: \(error.message).")
            }
        } else {
            from = nil
        }
        attachmentsDirectory = try string("attachments_dir").map { URL(fileURLWithPath: $0).standardized.path }
        if let directory = attachmentsDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw refuse("attachments_dir \(directory) is not a directory; create it or fix the path.")
            }
        }
        if let bytes = members["max_message_bytes"] {
            guard let number = bytes.intValue, number > 0, number <= Int64(Int32.max) else { throw refuse("max_message_bytes must be a whole number of bytes, at least 1.") }
            maxMessageBytes = Int(number)
        } else {
            maxMessageBytes = Email.defaultMaxMessageBytes
        }
    }
}
