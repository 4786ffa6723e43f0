import Cairn
import CairnTriggers
import TOMLKit

extension HookEntryReader {
    /// `secrets`: one or more, each resolved from its source. Messages name a secret by its
    /// position and source, never by value.
    func readSecrets(scheme: WebhookScheme) throws -> (values: [String], sources: [HookSecretSource]) {
        guard let value = table["secrets"] else {
            throw error(nil, "has no secrets. Add secrets = [\"env:\(Self.exampleVariable(name))\"] (or file:PATH, or the secret itself); list two during a rotation.")
        }
        guard value.tomlValue.type == .array, let array = value.array else {
            throw error("secrets", "secrets must be an array of strings; write e.g. secrets = [\"env:\(Self.exampleVariable(name))\"] (brackets even for one).")
        }
        guard !array.isEmpty else {
            throw error("secrets", "secrets is empty; add at least one, e.g. secrets = [\"env:\(Self.exampleVariable(name))\"].")
        }
        var values: [String] = []
        var sources: [HookSecretSource] = []
        for index in 0..<array.count {
            guard array[index].tomlValue.type == .string, let text = array[index].string else {
                throw error("secrets", "secret number \(index + 1) must be a string: the secret, \"env:NAME\" or \"file:PATH\".")
            }
            do {
                let (source, secret) = try HookSecretSource.resolve(text, environment: environment)
                values.append(secret)
                sources.append(source)
            } catch {
                throw self.error("secrets", "secret number \(index + 1): \(error.message)")
            }
        }
        return (values, sources)
    }

    /// `signature_header`, `prefix`, `encoding`, `timestamp_header`, `signed_template`, `id_header`.
    func readCustom() throws -> WebhookVerifier.CustomHMAC {
        guard let header = try string("signature_header", example: "\"X-Signature\"") else {
            throw error(nil, "uses scheme = \"hmac-sha256\" but has no signature_header. Add signature_header = \"X-Signature\" (the header the sender puts the signature in), with prefix and encoding as it writes it.")
        }
        var encoding = WebhookVerifier.CustomHMAC.Encoding.hex
        if let text = try string("encoding", example: "\"hex\"") {
            guard let chosen = WebhookVerifier.CustomHMAC.Encoding(rawValue: text) else {
                throw error("encoding", "encoding = \"\(text)\" is not an encoding; write \"hex\" (64 hex digits, the default) or \"base64\".")
            }
            encoding = chosen
        }
        return WebhookVerifier.CustomHMAC(
            signatureHeader: header, prefix: try string("prefix", example: "\"sha256=\"") ?? "", encoding: encoding,
            timestampHeader: try string("timestamp_header", example: "\"X-Timestamp\""),
            signedTemplate: try string("signed_template", example: "\"{timestamp}.{body}\""),
            idHeader: try string("id_header", example: "\"X-Delivery-ID\""))
    }

    /// `tolerance`, refused where no timestamp is signed; 5 minutes by default.
    func readTolerance(scheme: WebhookScheme, custom: WebhookVerifier.CustomHMAC?) throws -> Duration {
        let signsTimestamp = scheme.hasTimestamp ?? (custom?.timestampHeader != nil)
        if !signsTimestamp, table["tolerance"] != nil {
            let why = scheme == .hmacSHA256 ? "this hmac-sha256 hook has no timestamp_header" : "\(scheme.rawValue) signs no timestamp"
            throw error("tolerance", "tolerance applies only when the signature covers a timestamp, and \(why). Remove tolerance.")
        }
        guard let text = try string("tolerance", example: "\"5 minutes\"") else { return .seconds(300) }
        guard let milliseconds = try? WorkflowDuration(parsing: text).milliseconds(), milliseconds >= 1000 else {
            throw error("tolerance", "tolerance = \"\(text)\" is not a duration of at least 1 second; write e.g. tolerance = \"5 minutes\" (the default).")
        }
        guard milliseconds <= WebhookVerifier.maxTolerance.components.seconds * 1000 else {
            throw error("tolerance", "tolerance = \"\(text)\" is longer than 1 hour; a longer window lets a captured delivery be replayed for longer. The providers' own libraries use 5 minutes (the default).")
        }
        return .milliseconds(milliseconds)
    }

    /// The verifier; its refusals become errors on the line of the key at fault.
    func makeVerifier(scheme: WebhookScheme, secrets: [String], tolerance: Duration, custom: WebhookVerifier.CustomHMAC?) throws -> WebhookVerifier {
        if let custom {
            // A placeholder secret tells signature-setting mistakes from secret mistakes; it
            // is never kept.
            do {
                _ = try WebhookVerifier(scheme: scheme, secrets: ["placeholder"], tolerance: tolerance, custom: custom)
            } catch {
                throw self.error(Self.keyAtFault(error.message, custom: custom), error.message)
            }
        }
        do {
            return try WebhookVerifier(scheme: scheme, secrets: secrets, tolerance: tolerance, custom: custom)
        } catch {
            // The verifier names secrets by position only.
            throw self.error("secrets", error.message)
        }
    }

    /// The hmac-sha256 key a verifier refusal is about.
    static func keyAtFault(_ message: String, custom: WebhookVerifier.CustomHMAC) -> String {
        if message.contains("The signature header") { return "signature_header" }
        if message.contains("The timestamp header") { return "timestamp_header" }
        if message.contains("The ID header") { return "id_header" }
        return custom.signedTemplate == nil ? "timestamp_header" : "signed_template"
    }

    /// `GITHUB_WEBHOOK_SECRET` for a hook named `github`.
    static func exampleVariable(_ name: String?) -> String {
        let base = (name ?? "my-hook").uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return String(base) + "_WEBHOOK_SECRET"
    }

    // MARK: Typed values (ConfigEntryReader)

    var subject: String { name.map { "Hook \"\($0)\"" } ?? "A [[hooks]] entry" }
}
