import CCurl
import Foundation
import Synchronization

/// One SMTP submission through libcurl, blocking (run it on ``BlockingPool``): EHLO,
/// STARTTLS or TLS, AUTH, MAIL FROM, one RCPT per recipient (refusals allowed while one is
/// accepted), DATA. Every handle and buffer belongs to this one call.
struct SMTPTransfer {
    var relay: Email.Relay
    var from: String
    var recipients: [String]
    var message: Data

    /// A reply line's code and text (`250`, `2.0.0 Ok: queued as 12`).
    struct Reply: Sendable, Equatable {
        var code: Int
        var text: String
    }

    struct Outcome {
        /// The relay's reply to the message (after the final dot).
        var reply: Reply
        /// Recipients the relay refused, with its reply to their RCPT.
        var refused: [(address: String, reply: Reply)]
    }

    enum Failure: Error {
        /// The relay answered 4xx/5xx to a command (`command` is what it answered) and the
        /// exchange ended there.
        case replied(Reply, command: String, refused: [(address: String, reply: Reply)])
        /// No connection, a broken one, a timeout or a cancellation; `uncertain` when the
        /// whole message had been sent but its reply never came.
        case transport(String, timedOut: Bool, uncertain: Bool)
        /// The relay's certificate is not trusted, or it does not offer STARTTLS.
        case tls(String)
        /// This libcurl cannot do what the relay settings ask (an option it refuses).
        case unsupported(String)
        /// The rendered message is larger than allowed (nothing was sent).
        case tooLarge(bytes: Int)
    }

    /// Set from another thread to stop a transfer (the step's task was cancelled).
    final class Cancellation: Sendable {
        private let flag = Atomic<Bool>(false)
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    /// What the callbacks see: the message to read, and the conversation so far. Used by
    /// the one thread running `curl_easy_perform`, only during it.
    private final class Conversation {
        let message: Data
        let cancellation: Cancellation
        var offset = 0
        var lastCommand = ""
        var rcptAddress: String?
        var refused: [(address: String, reply: Reply)] = []
        /// The last reply heard (QUIT's aside) and the command it answered.
        var lastReply: (reply: Reply, command: String)?
        /// The first reply after the whole message was handed over: the reply to the message.
        var dataReply: Reply?
        var bodySent = false

        init(message: Data, cancellation: Cancellation) {
            self.message = message
            self.cancellation = cancellation
        }

        func heard(_ line: String) {
            // A reply's last line is "250 text"; "250-text" continues it.
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)) else { return }
            if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { return }
            let text = bytes.count > 4 ? String(decoding: bytes.dropFirst(4), as: UTF8.self) : ""
            let reply = Reply(code: code, text: text.trimmingCharacters(in: .whitespacesAndNewlines))
            guard lastCommand.uppercased() != "QUIT" else { return }
            lastReply = (reply, bodySent ? "the message" : lastCommand)
            if lastCommand.uppercased().hasPrefix("RCPT"), code >= 400, let address = rcptAddress { refused.append((address, reply)) }
            if bodySent, dataReply == nil { dataReply = reply }
        }

        func said(_ line: String) {
            let command = line.trimmingCharacters(in: .whitespacesAndNewlines)
            lastCommand = command
            if command.uppercased().hasPrefix("RCPT TO:<"), let close = command.lastIndex(of: ">") {
                rcptAddress = String(command[command.index(command.startIndex, offsetBy: 9)..<close])
            }
        }
    }

    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    func perform(cancellation: Cancellation = Cancellation()) throws(Failure) -> Outcome {
        _ = Self.initialized
        // Cancelled while it waited for a thread: nothing was sent, and nothing will be.
        guard !cancellation.isCancelled else {
            throw .transport("the send was cancelled before it started (the step's timeout passed while it waited for a free SMTP thread)", timedOut: true, uncertain: false)
        }
        let conversation = Conversation(message: message, cancellation: cancellation)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var rcpt: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { rcpt = curl_slist_append(rcpt, "<\(recipient)>") }
        guard let handle = curl_easy_init() else {
            curl_slist_free_all(rcpt)
            errorBuffer.deallocate()
            throw .transport("libcurl could not start a transfer", timedOut: false, uncertain: false)
        }
        // The handle goes first, while everything its callbacks and options point at lives.
        defer {
            curl_easy_cleanup(handle)
            curl_slist_free_all(rcpt)
            errorBuffer.deallocate()
        }
        return try withExtendedLifetime(conversation) { () throws(Failure) -> Outcome in
            try configure(handle, conversation: conversation, recipients: rcpt, errorBuffer: errorBuffer)
            let code = curl_easy_perform(handle)
            var reason = String(cString: errorBuffer)
            if reason.isEmpty { reason = String(cString: curl_easy_strerror(code)) }
            while reason.hasSuffix(".") { reason.removeLast() }
            return try Self.outcome(code, conversation: conversation, reason: reason)
        }
    }

    private func configure(_ handle: UnsafeMutableRawPointer, conversation: Conversation, recipients rcpt: UnsafeMutablePointer<curl_slist>?,
                           errorBuffer: UnsafeMutablePointer<CChar>) throws(Failure) {
        let context = Unmanaged.passUnretained(conversation).toOpaque()
        func require(_ code: CURLcode, _ what: String) throws(Failure) {
            guard code == CURLE_OK else { throw .unsupported("this libcurl refuses \(what): \(String(cString: curl_easy_strerror(code)))") }
        }
        try require(ccurl_setopt_string(handle, CURLOPT_URL, relay.curlURL), "the relay URL")
        try require(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "limiting protocols to SMTP (needs libcurl 7.85 or later)")
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(relay.connectTimeout))
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(relay.timeout))
        // Each reply's wait, and the QUIT after a failure (which the overall timeout does not
        // bound: libcurl would wait its default two minutes on a relay that stalls).
        _ = ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, (Self.milliseconds(relay.timeout) + 999) / 1000)
        _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        if relay.security != .none {
            try require(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)), "requiring TLS")
            try require(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "verifying the relay's certificate")
            try require(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "verifying the relay's host name")
            if let caFile = relay.caFile { try require(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile), "ca_file") }
        }
        if let username = relay.username { _ = ccurl_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password = relay.password { _ = ccurl_setopt_string(handle, CURLOPT_PASSWORD, password) }
        try require(ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>"), "MAIL FROM")
        try require(ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, rcpt), "the recipients")
        // Spelled ALLLOWFAILS in libcurl 7.88's headers (ALLOWFAILS from 8.2): accept the
        // message when at least one recipient is.
        try require(ccurl_setopt_long(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1), "partial recipient refusals (needs libcurl 7.69 or later)")
        _ = ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        _ = ccurl_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        _ = ccurl_setopt_pointer(handle, CURLOPT_READDATA, context)
        _ = ccurl_setopt_rwfunc(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let conversation = Unmanaged<Conversation>.fromOpaque(context).takeUnretainedValue()
            let remaining = conversation.message.count - conversation.offset
            let length = min(size * count, remaining)
            guard length > 0 else {
                conversation.bodySent = true
                return 0
            }
            conversation.message.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                UnsafeMutableRawPointer(buffer).copyMemory(from: base + conversation.offset, byteCount: length)
            }
            conversation.offset += length
            // libcurl writes the final dot after the last byte: a reply from here on answers the message.
            if conversation.offset == conversation.message.count { conversation.bodySent = true }
            return length
        }
        // A cancelled step stops the transfer (libcurl calls this about once a second, and on progress).
        _ = ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        _ = ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
        _ = ccurl_setopt_xferinfofunc(handle, CURLOPT_XFERINFOFUNCTION) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<Conversation>.fromOpaque(context).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
        }
        // The conversation, to tell which command each reply answers (verbose output goes to
        // this callback only).
        _ = ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1)
        _ = ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context)
        _ = ccurl_setopt_debugfunc(handle, CURLOPT_DEBUGFUNCTION) { _, type, data, size, context in
            guard let data, let context, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
            let conversation = Unmanaged<Conversation>.fromOpaque(context).takeUnretainedValue()
            let text = data.withMemoryRebound(to: UInt8.self, capacity: size) { String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self) }
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                if type == CURLINFO_HEADER_IN { conversation.heard(String(line)) } else { conversation.said(String(line)) }
            }
            return 0
        }
    }

    /// What the transfer's result code and the conversation mean.
    private static func outcome(_ code: CURLcode, conversation: Conversation, reason: String) throws(Failure) -> Outcome {
        if code == CURLE_OK {
            guard let reply = conversation.dataReply else {
                throw .transport("the relay closed the connection without answering the message", timedOut: false, uncertain: true)
            }
            return Outcome(reply: reply, refused: conversation.refused)
        }
        let uncertain = conversation.bodySent && conversation.dataReply == nil
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            throw .transport(reason, timedOut: true, uncertain: uncertain)
        case CURLE_ABORTED_BY_CALLBACK:
            throw .transport("the send was cancelled (the step's timeout passed, or the appliance is stopping)", timedOut: true, uncertain: uncertain)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_USE_SSL_FAILED:
            throw .tls(reason)
        case CURLE_SSL_CONNECT_ERROR where reason.contains("wrong version number"):
            throw .tls("\(reason): nothing speaks TLS on this port (an smtps:// url on a STARTTLS port? use smtp:// for 587 and 25)")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CONNECT_ERROR:
            throw .transport(reason, timedOut: false, uncertain: false)
        default:
            // The relay refused the message, or the command the exchange ended on (MAIL, the
            // last RCPT, AUTH). A refusal heard earlier and passed over (a refused recipient
            // among accepted ones) does not explain a later break.
            if let reply = conversation.dataReply, reply.code >= 400 {
                throw .replied(reply, command: "the message", refused: conversation.refused)
            }
            if !conversation.bodySent, let last = conversation.lastReply, last.reply.code >= 400 {
                throw .replied(last.reply, command: shown(last.command), refused: conversation.refused)
            }
            throw .transport(reason, timedOut: false, uncertain: uncertain)
        }
    }

    /// A command as it may be shown: AUTH's credentials are not.
    static func shown(_ command: String) -> String {
        let upper = command.uppercased()
        if upper.hasPrefix("AUTH") { return "AUTH " + (command.split(separator: " ").dropFirst().first.map(String.init) ?? "") }
        if upper.isEmpty { return "the greeting" }
        // A base64 line answering an AUTH challenge.
        if !upper.contains(" "), !upper.contains(":"), upper != "DATA", upper != "QUIT", upper != "STARTTLS" { return "AUTH" }
        return command
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(min(seconds, 86_400)) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
