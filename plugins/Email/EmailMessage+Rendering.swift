import Foundation

extension Email.Message {
    /// The message as RFC 5322 bytes: CRLF line ends, every line at most 78 characters,
    /// non-ASCII header text as encoded-words, bodies quoted-printable UTF-8,
    /// `multipart/alternative` for text and HTML, `multipart/mixed` around attachments. Bcc
    /// is not written. Dot-stuffing is the transport's (libcurl's) job.
    public func rendered(messageID: String, date: Date) -> Data {
        var head = ""
        head += MIMEEncoding.header("From", Self.mailbox(from))
        if !to.isEmpty { head += MIMEEncoding.header("To", to.flatMap { Self.mailbox($0) + [","] }.dropLast().asTokens, separator: "") }
        if !cc.isEmpty { head += MIMEEncoding.header("Cc", cc.flatMap { Self.mailbox($0) + [","] }.dropLast().asTokens, separator: "") }
        if !replyTo.isEmpty { head += MIMEEncoding.header("Reply-To", replyTo.flatMap { Self.mailbox($0) + [","] }.dropLast().asTokens, separator: "") }
        head += MIMEEncoding.header("Subject", MIMEEncoding.unstructured(subject))
        head += "Date: " + Self.dateText(date) + "\r\n"
        head += ("Message-ID: " + messageID).utf8.count <= MIMEEncoding.lineLimit ? "Message-ID: \(messageID)\r\n" : "Message-ID:\r\n \(messageID)\r\n"
        for (name, value) in headers { head += MIMEEncoding.header(name, MIMEEncoding.headerValue(value)) }
        head += "MIME-Version: 1.0\r\n"

        let boundaryStem = "=_cairn_" + contentHash
        var body = alternativePart(boundary: boundaryStem + "_a", last: attachments.isEmpty)
        if !attachments.isEmpty {
            let boundary = boundaryStem + "_m"
            var mixed = "Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"\r\n\r\n"
            mixed += "--\(boundary)\r\n" + body
            for attachment in attachments {
                mixed += "\r\n--\(boundary)\r\n"
                mixed += MIMEEncoding.header("Content-Type", [attachment.contentType + ";"] + MIMEEncoding.parameter("name", attachment.filename).joinedWith(";"))
                mixed += MIMEEncoding.header("Content-Disposition", ["attachment;"] + MIMEEncoding.parameter("filename", attachment.filename).joinedWith(";"))
                mixed += "Content-Transfer-Encoding: base64\r\n\r\n"
                mixed += MIMEEncoding.base64Lines(attachment.data)
            }
            mixed += "\r\n--\(boundary)--\r\n"
            body = mixed
        }
        return Data((head + body).utf8)
    }

    /// The body part: one text part, or both as `multipart/alternative` (plain first, as
    /// RFC 2046 wants the preferred, richer part last). A part's text ends where the CRLF
    /// before the next boundary begins, so it arrives exactly as given; alone in a message,
    /// a text without a final line break ends in a quoted-printable soft break for the same reason.
    private func alternativePart(boundary: String, last: Bool) -> String {
        func leaf(_ subtype: String, _ content: String) -> String {
            "Content-Type: text/\(subtype); charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + MIMEEncoding.quotedPrintable(content)
        }
        func alone(_ subtype: String, _ content: String) -> String {
            guard last else { return leaf(subtype, content) }
            guard !content.hasSuffix("\n"), !content.hasSuffix("\r") else { return leaf(subtype, content) }
            return "Content-Type: text/\(subtype); charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + MIMEEncoding.quotedPrintable(content, softEnd: true) + "\r\n"
        }
        switch (text, html) {
        case (let text?, let html?):
            return "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"
                + "--\(boundary)\r\n" + leaf("plain", text) + "\r\n--\(boundary)\r\n" + leaf("html", html) + "\r\n--\(boundary)--\r\n"
        case (let text?, nil): return alone("plain", text)
        case (nil, let html?): return alone("html", html)
        case (nil, nil): return alone("plain", "")
        }
    }

    /// `Name <address>` as header tokens.
    static func mailbox(_ address: Email.Address) -> [String] {
        guard let name = address.name else { return [address.address] }
        return MIMEEncoding.phrase(name) + ["<" + address.address + ">"]
    }

    /// RFC 5322 date-time in UTC: `Sun, 06 Dec 2026 09:30:00 +0000`.
    static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

extension ArraySlice<String> {
    /// Joins a `,` token onto the token before it, so a fold never starts a line with a comma.
    fileprivate var asTokens: [String] {
        var tokens: [String] = []
        for token in self {
            if token == ",", let last = tokens.popLast() { tokens.append(last + ",") } else { tokens.append(token) }
        }
        return tokens
    }
}

extension Array<String> {
    /// Puts `separator` after every element but the last.
    fileprivate func joinedWith(_ separator: String) -> [String] {
        enumerated().map { $0.offset < count - 1 ? $0.element + separator : $0.element }
    }
}
