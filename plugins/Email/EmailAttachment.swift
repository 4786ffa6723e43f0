import Foundation

extension Email {
    /// A file sent with a message (`multipart/mixed`, base64).
    public struct Attachment: Sendable, Hashable {
        /// The name the recipient sees (no slashes), its media type, and the bytes.
        public var filename: String
        public var contentType: String
        public var data: Data

        /// `contentType` defaults from the file name's extension.
        public init(filename: String, contentType: String? = nil, data: Data) {
            self.filename = filename
            self.contentType = contentType ?? Self.contentType(forFilename: filename)
            self.data = data
        }

        static let knownTypes: [String: String] = [
            "txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html", "json": "application/json",
            "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
            "svg": "image/svg+xml", "zip": "application/zip", "gz": "application/gzip", "xml": "application/xml",
            "ics": "text/calendar", "md": "text/markdown",
        ]

        static func contentType(forFilename name: String) -> String {
            let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
            return name.contains(".") ? knownTypes[ext] ?? "application/octet-stream" : "application/octet-stream"
        }
    }
}
