import Cairn
import Foundation

/// The e-mail plugin's Swift API: one message through an SMTP relay, with a Message-ID that
/// stays the same across retries, and the classification a retry policy needs. Call it inside
/// `step.do`, so a sent message is recorded once:
///
/// ```swift
/// let receipt = try await step.do("welcome") { context in
///     try await Email.send(welcome, relay: relay,
///                          messageID: Email.messageID(instance: event.instanceId, step: context.name, count: context.count,
///                                                     message: welcome, domain: relay.helo),
///                          after: context.previousError).jsonValue
/// }
/// ```
///
/// Refused connections, timeouts and 4xx replies throw ``SMTPRetryableError``; 5xx replies
/// (a refused recipient, failed authentication, a message too large), an untrusted
/// certificate and an invalid message throw `NonRetryableError` with the relay's reply.
public enum Email {
    /// What to do when an earlier attempt may have delivered the message (it went out whole
    /// and the relay's reply never came, or the process died during the attempt).
    public enum OnUncertain: String, Sendable, CaseIterable {
        /// Send again with the same Message-ID, which lets the receiving side drop the copy.
        case resend
        /// Fail the step instead of risking a second copy.
        case fail
    }

    /// 10 MiB: the largest message sent unless `max_message_bytes` says otherwise.
    public static let defaultMaxMessageBytes = 10 * 1024 * 1024

    /// `<instance.step.hash@domain>`: the same for every attempt and replay of one step
    /// sending one message, different for another step, instance, occurrence (`count`, for a
    /// name reused in a loop) or content. Instance and step are cut to 16 and 12 characters
    /// (the hash covers them whole) so the header fits a line.
    public static func messageID(instance: String, step: String, count: Int = 1, message: Message, domain: String) -> String {
        func atom(_ text: String, _ length: Int) -> String {
            let kept = text.unicodeScalars.map { Address.atext.contains($0) && $0 != "/" && $0 != "=" ? String($0) : "-" }.joined()
            return String(kept.prefix(length))
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (instance + "\u{0}" + step + "\u{0}\(count)\u{0}" + message.contentHash).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let digits = String(hash, radix: 16)
        return "<\(atom(instance, 16)).\(atom(step, 12)).\(String(repeating: "0", count: 16 - digits.count) + digits)@\(domain)>"
    }

    /// Names of a previous attempt's error after which this message may already have been
    /// delivered: an uncertain send, a process that died during the attempt, a step timeout
    /// that cut the attempt short.
    static let uncertainAfter: Set<String> = [SMTPRetryableError.uncertainName, "WorkflowInternalError", "WorkflowTimeoutError"]

    /// Sends `message` once through `relay` with the Message-ID `messageID` (see
    /// ``messageID(instance:step:count:message:domain:)``). `previous` is how the step's
    /// previous attempt ended (`StepContext.previousError`): after an uncertain one,
    /// `onUncertain` decides whether to send again (same Message-ID) or fail, the receipt says
    /// it was uncertain, and a failure of this attempt stays uncertain for the next.
    public static func send(_ message: Message, relay: Relay, messageID: String, onUncertain: OnUncertain = .resend,
                            after previous: ErrorInfo? = nil, maxMessageBytes: Int = defaultMaxMessageBytes, date: Date = Date()) async throws -> Receipt {
        do {
            try message.validate()
        } catch {
            throw NonRetryableError(error.message)
        }
        let wasUncertain = previous.map { uncertainAfter.contains($0.name) } ?? false
        if wasUncertain, onUncertain == .fail {
            throw NonRetryableError("The previous attempt may have delivered \(messageID) (\(previous?.message ?? "")); on_uncertain = \"fail\" does not send it again. Check the recipients' mailboxes or the relay's log before sending it by hand.")
        }
        do {
            return try await transfer(message, relay: relay, messageID: messageID, onUncertain: onUncertain, wasUncertain: wasUncertain,
                                      maxMessageBytes: maxMessageBytes, date: date)
        } catch let error as SMTPRetryableError where wasUncertain && !error.uncertain {
            // Still unknown whether an earlier attempt delivered it: the next attempt must know.
            throw SMTPRetryableError(error.message, code: error.code, uncertain: true)
        }
    }

    private static func transfer(_ message: Message, relay: Relay, messageID id: String, onUncertain: OnUncertain, wasUncertain: Bool,
                                 maxMessageBytes: Int, date: Date) async throws -> Receipt {
        let cancellation = SMTPTransfer.Cancellation()
        let result: Result<SMTPTransfer.Outcome, SMTPTransfer.Failure> = await withTaskCancellationHandler {
            // Rendering (base64 of the attachments) is work too: on the pool, not the cooperative threads.
            await BlockingPool.smtp.run {
                let bytes = message.rendered(messageID: id, date: date)
                guard bytes.count <= maxMessageBytes else { return .failure(.tooLarge(bytes: bytes.count)) }
                let transfer = SMTPTransfer(relay: relay, from: message.from.address, recipients: message.recipients, message: bytes)
                do throws(SMTPTransfer.Failure) { return .success(try transfer.perform(cancellation: cancellation)) } catch { return .failure(error) }
            }
        } onCancel: {
            cancellation.cancel()
        }
        let target = "\(relay.host):\(relay.port)"
        switch result {
        case .success(let outcome):
            let refused = outcome.refused.map { Refusal(address: $0.address, code: $0.reply.code, reply: $0.reply.text) }
            let refusedSet = Set(refused.map { $0.address.lowercased() })
            return Receipt(messageID: id, code: outcome.reply.code, reply: outcome.reply.text,
                           accepted: message.recipients.filter { !refusedSet.contains($0.lowercased()) }, refused: refused, uncertain: wasUncertain)
        case .failure(.replied(let reply, let command, let refused)):
            let what = "\(target) answered \(reply.code) \(reply.text) to \(command)"
            let all = refused.count == message.recipients.count && !refused.isEmpty
            let detail = all ? " (every recipient was refused: \(refused.map { "\($0.address) \($0.reply.code)" }.joined(separator: ", ")))" : ""
            // Every recipient refused: worth another attempt if any refusal was temporary.
            let temporary = all ? refused.contains { (400...499).contains($0.reply.code) } : (400...499).contains(reply.code)
            if temporary { throw SMTPRetryableError("\(what)\(detail); the relay asks to try later.", code: reply.code) }
            throw NonRetryableError("\(what)\(detail); nothing was sent. " + Self.advice(for: reply.code, command: command))
        case .failure(.transport(let reason, let timedOut, let uncertain)):
            if uncertain {
                let text = "\(target) did not answer after the whole of \(id) was sent (\(reason)); it may have been delivered."
                if onUncertain == .fail { throw NonRetryableError(text + " on_uncertain = \"fail\" does not send it again.") }
                throw SMTPRetryableError(text + " The retry sends it again with the same Message-ID.", uncertain: true)
            }
            throw SMTPRetryableError("Sending to \(target) failed\(timedOut ? " (timed out)" : ""): \(reason). The step's retry policy tries again; if it keeps failing, check that the relay in [plugins.email] url runs and is reachable from here.")
        case .failure(.tls(let reason)):
            throw NonRetryableError("TLS with \(target) failed: \(reason). If the relay uses a private CA, point ca_file at its PEM certificate; a relay without STARTTLS needs an smtps:// url (or tls = \"none\" on loopback).")
        case .failure(.tooLarge(let bytes)):
            throw NonRetryableError("email.send: the message is \(bytes) bytes with its attachments encoded; max_message_bytes is \(maxMessageBytes). Send a link instead of the file, or raise max_message_bytes if the relay takes more.")
        case .failure(.unsupported(let reason)):
            throw NonRetryableError("Cannot send through \(target): \(reason). Install a libcurl with SMTP and TLS support (libcurl4-openssl-dev).")
        }
    }

    static func advice(for code: Int, command: String) -> String {
        let verb = command.uppercased()
        if code == 530 && !verb.hasPrefix("AUTH") {
            return "The relay wants TLS or authentication first: use tls = \"starttls\" (the default for smtp://) or an smtps:// url, and set username and password in [plugins.email]."
        }
        if verb.hasPrefix("RCPT") { return "Check the recipient address." }
        if verb.hasPrefix("MAIL") { return "Check the from address: the relay does not send for it." }
        if [534, 535, 538].contains(code) || verb.hasPrefix("AUTH") { return "Check username and password in [plugins.email] (and that the relay allows this mechanism)." }
        if [552, 523].contains(code) { return "The message is larger than the relay takes; send less or raise the relay's limit." }
        return "Retrying will not help; fix what the reply says."
    }
}
