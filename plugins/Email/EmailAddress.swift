import Cairn
import Foundation

extension Email {
    /// A mailbox: an address (`ada@example.com`) and an optional display name.
    ///
    /// ```swift
    /// let ada = try Email.Address(parsing: "\"Ada Lovelace\" <ada@example.com>")
    /// ```
    ///
    /// The address is checked against RFC 5321 (a dot-atom local part of at most 64 bytes, a
    /// domain of letters, digits and hyphens or an IPv4 literal, 254 bytes in all); the
    /// display name may be any text without control characters (non-ASCII names are sent as
    /// RFC 2047 encoded-words).
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// `local@domain`.
        public var address: String
        /// The display name (`Ada Lovelace`), `nil` when there is none.
        public var name: String?

        /// An address with an optional display name; throws naming what is wrong.
        public init(_ address: String, name: String? = nil) throws(Email.InvalidMessage) {
            try Self.check(address: address)
            if let name, Self.hasControlCharacters(name) {
                throw Email.InvalidMessage("the display name of \(address) holds a line break or another control character (a header injection is refused)")
            }
            self.address = address
            self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        }

        /// Reads `ada@example.com`, `Ada Lovelace <ada@example.com>` or
        /// `"Lovelace, Ada" <ada@example.com>`.
        public init(parsing text: String) throws(Email.InvalidMessage) {
            if Self.hasControlCharacters(text) {
                throw Email.InvalidMessage("'\(Self.shown(text))' holds a line break or another control character (a header injection is refused)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
                try self.init(trimmed)
                return
            }
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\"") {
                guard name.count >= 2, name.hasSuffix("\"") else {
                    throw Email.InvalidMessage("'\(Self.shown(text))' has a display name with an unclosed quote; write \"Name\" <address>")
                }
                var unquoted = ""
                var escaped = false
                for character in name.dropFirst().dropLast() {
                    if escaped || character != "\\" { unquoted.append(character); escaped = false } else { escaped = true }
                }
                name = unquoted
            } else if name.contains(where: { "<>,;@\"".contains($0) }) {
                throw Email.InvalidMessage("'\(Self.shown(text))' holds more than one address (or a display name with <, >, comma, semicolon or @ that is not quoted); give one address per string, several as an array, and quote names like \"Lovelace, Ada\" <ada@example.com>")
            }
            try self.init(address, name: name)
        }

        public var description: String { name.map { "\($0) <\(address)>" } ?? address }

        /// The part after `@`.
        public var domain: String { address.split(separator: "@").last.map(String.init) ?? "" }

        static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars)

        static func check(address: String) throws(Email.InvalidMessage) {
            let shown = Self.shown(address)
            guard !hasControlCharacters(address) else {
                throw Email.InvalidMessage("'\(shown)' holds a line break or another control character (a header injection is refused)")
            }
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw Email.InvalidMessage("'\(shown)' is not an e-mail address; write name@example.com")
            }
            let local = parts[0], domain = parts[1]
            guard local.utf8.count <= 64, address.utf8.count <= 254 else {
                throw Email.InvalidMessage("'\(shown)' is too long (at most 64 bytes before the @ and 254 in all)")
            }
            let dotAtom = local.split(separator: ".", omittingEmptySubsequences: false)
            guard dotAtom.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(atext.contains) }) else {
                throw Email.InvalidMessage("'\(shown)' has a local part with characters an address may not hold (letters, digits and !#$%&'*+-/=?^_`{|}~ with single dots between)")
            }
            if domain.hasPrefix("["), domain.hasSuffix("]") {
                let octets = domain.dropFirst().dropLast().split(separator: ".", omittingEmptySubsequences: false)
                guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
                    throw Email.InvalidMessage("'\(shown)' has an address literal that is not an IPv4 address, e.g. user@[192.0.2.1]")
                }
                return
            }
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            let hostCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".unicodeScalars)
            guard labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.unicodeScalars.allSatisfy(hostCharacters.contains) }) else {
                throw Email.InvalidMessage("'\(shown)' has a domain that is not a host name (letters, digits and hyphens between dots; write internationalised domains in their xn-- form)")
            }
        }

        static func hasControlCharacters(_ text: String) -> Bool {
            text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" }
        }

        /// Text for a message, control characters shown as `\u{…}` and cut at 200.
        static func shown(_ text: String) -> String {
            String(text.prefix(200)).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        }
    }
}
