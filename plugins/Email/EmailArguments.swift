import Cairn
import Foundation

/// `email.send`'s JSON arguments, checked: every mistake names the key.
struct EmailArguments: Sendable {
    enum AttachmentSource: Sendable {
        case path(String, filename: String?, contentType: String?)
        case content(Data, filename: String, contentType: String?)
    }

    var from: Email.Address?
    var to: [Email.Address] = []
    var cc: [Email.Address] = []
    var bcc: [Email.Address] = []
    var replyTo: [Email.Address] = []
    var subject = ""
    var text: String?
    var html: String?
    var headers: [(name: String, value: String)] = []
    var attachments: [AttachmentSource] = []
    var onUncertain = Email.OnUncertain.resend

    static let keys: Set<String> = ["from", "to", "cc", "bcc", "reply_to", "subject", "text", "html", "headers", "attachments", "on_uncertain"]

    static func refuse(_ message: String) -> WorkflowError { WorkflowError(.invalidArguments, "email.send: " + message) }

    init(json arguments: JSONValue) throws(WorkflowError) {
        guard case .object(let members) = arguments else { throw Self.refuse("the arguments must be a table, e.g. { to = \"ada@example.com\", subject = \"…\", text = \"…\" }.") }
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            let hint = unknown.hasSuffix("_file") ? " (text_file and html_file are read when the config loads, in a pipeline's with table)" : ""
            throw Self.refuse("unknown argument '\(unknown)'\(hint); known: \(Self.keys.sorted().joined(separator: ", ")).")
        }
        func string(_ key: String) throws(WorkflowError) -> String? {
            guard let value = members[key] else { return nil }
            guard let text = value.stringValue else { throw Self.refuse("\(key) must be a string.") }
            return text
        }
        func addresses(_ key: String) throws(WorkflowError) -> [Email.Address] {
            guard let value = members[key] else { return [] }
            let items: [JSONValue]
            switch value {
            case .string: items = [value]
            case .array(let elements): items = elements
            default: throw Self.refuse("\(key) must be an address or an array of addresses, e.g. \(key) = [\"\\\"Ada Lovelace\\\" <ada@example.com>\"].")
            }
            var result: [Email.Address] = []
            for (index, item) in items.enumerated() {
                let at = items.count == 1 && value.stringValue != nil ? key : "\(key)[\(index)]"
                guard let text = item.stringValue else { throw Self.refuse("\(at) must be a string.") }
                do {
                    result.append(try Email.Address(parsing: text))
                } catch {
                    throw Self.refuse("\(at): \(error.message).")
                }
            }
            return result
        }
        if let text = try string("from") {
            do {
                from = try Email.Address(parsing: text)
            } catch {
                throw Self.refuse("from: \(error.message).")
            }
        }
        to = try addresses("to")
        cc = try addresses("cc")
        bcc = try addresses("bcc")
        replyTo = try addresses("reply_to")
        guard let subject = try string("subject") else { throw Self.refuse("subject is missing; write subject = \"Welcome\".") }
        self.subject = subject
        text = try string("text")
        html = try string("html")
        if let value = members["headers"] {
            guard case .object(let map) = value else { throw Self.refuse("headers must be a table of strings, e.g. headers = { \"List-Unsubscribe\" = \"<https://…>\" }.") }
            for (name, item) in map.sorted(by: { $0.key < $1.key }) {
                guard let text = item.stringValue else { throw Self.refuse("headers.\(name) must be a string.") }
                headers.append((name, text))
            }
        }
        if let value = members["attachments"] {
            guard case .array(let items) = value else { throw Self.refuse("attachments must be an array of { path = \"report.csv\" } or { content = \"<base64>\", filename = \"report.csv\" }.") }
            for (index, item) in items.enumerated() {
                let at = "attachments[\(index)]"
                guard case .object(let fields) = item else { throw Self.refuse("\(at) must be a table with path or content.") }
                if let unknown = fields.keys.sorted().first(where: { !["path", "content", "filename", "content_type"].contains($0) }) {
                    throw Self.refuse("\(at) has no key '\(unknown)'; it takes path or content, filename and content_type.")
                }
                for key in ["path", "content", "filename", "content_type"] where fields[key] != nil && fields[key]?.stringValue == nil {
                    throw Self.refuse("\(at).\(key) must be a string.")
                }
                let filename = fields["filename"]?.stringValue, contentType = fields["content_type"]?.stringValue
                switch (fields["path"]?.stringValue, fields["content"]?.stringValue) {
                case (let path?, nil):
                    guard !path.isEmpty else { throw Self.refuse("\(at).path is empty.") }
                    attachments.append(.path(path, filename: filename, contentType: contentType))
                case (nil, let content?):
                    // Line breaks and spaces (a wrapped encoding) are fine; anything else is not base64.
                    guard let data = Data(base64Encoded: content.filter { !$0.isWhitespace }) else {
                        throw Self.refuse("\(at).content is not base64; encode the bytes, or give a path instead.")
                    }
                    guard let filename else { throw Self.refuse("\(at) gives content without a filename; add filename = \"report.csv\".") }
                    attachments.append(.content(data, filename: filename, contentType: contentType))
                case (nil, nil): throw Self.refuse("\(at) needs path (a file under [plugins.email] attachments_dir) or content (base64).")
                case (.some, .some): throw Self.refuse("\(at) gives both path and content; give one.")
                }
            }
        }
        if let text = try string("on_uncertain") {
            guard let value = Email.OnUncertain(rawValue: text) else { throw Self.refuse("on_uncertain = \"\(text)\" is not resend or fail.") }
            onUncertain = value
        }
    }

    /// The message, with `settings`' sender when none is given and attachments read from
    /// `attachments_dir`; throws naming the field.
    func message(settings: EmailSettings?) throws(WorkflowError) -> Email.Message {
        // Checked before the settings are known (config check), a missing sender may come from them.
        let placeholder = settings == nil ? try? Email.Address("sender@example.invalid") : nil
        guard let sender = from ?? settings?.from ?? placeholder else {
            throw Self.refuse("from is missing; give from = \"Name <hello@example.com>\" here or in [plugins.email].")
        }
        var files: [Email.Attachment] = []
        for (index, source) in attachments.enumerated() {
            switch source {
            case .content(let data, let filename, let contentType):
                files.append(Email.Attachment(filename: filename, contentType: contentType, data: data))
            case .path(let path, let filename, let contentType):
                let data = try Self.read(path, at: "attachments[\(index)].path", settings: settings)
                files.append(Email.Attachment(filename: filename ?? URL(fileURLWithPath: path).lastPathComponent, contentType: contentType, data: data))
            }
        }
        let message = Email.Message(from: sender, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: subject, text: text, html: html,
                                    headers: headers, attachments: files)
        do {
            try message.validate()
        } catch {
            throw Self.refuse(error.message + ".")
        }
        return message
    }

    /// A file under `attachments_dir`, links resolved, refused when it leaves the directory.
    static func read(_ path: String, at key: String, settings: EmailSettings?) throws(WorkflowError) -> Data {
        guard let settings else { return Data() }
        guard let directory = settings.attachmentsDirectory else {
            throw refuse("\(key) '\(path)' needs [plugins.email] attachments_dir, the directory attachments may come from.")
        }
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let candidate = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: directory).appendingPathComponent(path)
        let resolved = candidate.standardized.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw refuse("\(key) '\(path)' is outside attachments_dir \(directory); attachments come only from there.")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw refuse("\(key) '\(path)' does not exist in attachments_dir \(directory) (or is a directory).")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? Int) ?? 0
        guard size <= settings.maxMessageBytes else {
            throw refuse("\(key) '\(path)' is \(size) bytes, more than max_message_bytes (\(settings.maxMessageBytes)); send a link instead.")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw refuse("\(key) '\(path)' could not be read (check its permissions).") }
        return data
    }
}
