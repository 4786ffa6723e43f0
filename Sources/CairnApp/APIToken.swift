import CairnStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The management API's bearer token: from the config, else from an environment variable,
/// else from `<data dir>/api-token`, which the first start creates with mode 0600.
public struct APIToken: Sendable {
    public enum Origin: Sendable, Equatable {
        case config
        case environment(String)
        case file(String)
        case generated(String)
    }

    public var value: String
    public var origin: Origin
    /// Something the operator should fix but that does not stop the start (a token file
    /// others can read), to be logged as a warning.
    public var warning: String?

    /// The token file's path for a data directory.
    public static func filePath(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("api-token")
    }

    /// Resolves the token; creates the file (0600) when nothing else provides one.
    public static func resolve(_ config: AppConfig, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> APIToken {
        if let token = config.auth.token { return APIToken(value: token, origin: .config) }
        if let token = environment[config.auth.tokenEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            guard token.count >= 16 else {
                throw ConfigError("The token in $\(config.auth.tokenEnv) is shorter than 16 characters. Use a long random value, e.g. from: openssl rand -hex 32")
            }
            return APIToken(value: token, origin: .environment(config.auth.tokenEnv))
        }
        let path = filePath(dataDirectory: config.storage.dataDirectory)
        if let existing = try read(path) {
            return APIToken(value: existing, origin: .file(path), warning: try checkPermissions(path))
        }
        let token = generate()
        try create(path, token: token)
        return APIToken(value: token, origin: .generated(path))
    }

    /// Reads an existing token file (`nil` if there is none).
    public static func read(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("Cannot read the API token file \(path). Check that the user running cairn owns it.")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else {
            throw ConfigError("The API token file \(path) holds no usable token. Delete it and restart to generate a new one.")
        }
        return token
    }

    /// Refuses a token file that other users can write or own (they could swap in a token they
    /// know); returns a warning for one they can read (they can use the API), or one in a
    /// directory they can write (they could replace the file).
    static func checkPermissions(_ path: String) throws -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        let octal = "0" + String(mode, radix: 8)
        if info.st_uid != geteuid() {
            throw ConfigError("The API token file \(path) belongs to uid \(info.st_uid), not to the user running cairn (uid \(geteuid())); its owner can replace the token whatever its mode. Give it to this user (chown \(geteuid()) \(path); chmod 600 \(path)) or delete it to generate a new one.")
        }
        if mode & 0o022 != 0 {
            throw ConfigError("The API token file \(path) is writable by other users (mode \(octal)), so anyone on this machine could replace the token. Restrict it with: chmod 600 \(path)")
        }
        if mode & 0o044 != 0 {
            return "The API token file \(path) is readable by other users (mode \(octal)), so anyone on this machine can use the management API. Restrict it with: chmod 600 \(path)"
        }
        let directory = (path as NSString).deletingLastPathComponent
        var dir = stat()
        if stat(directory.isEmpty ? "." : directory, &dir) == 0, dir.st_mode & 0o022 != 0, dir.st_mode & UInt32(S_ISVTX) == 0 {
            return "The directory \(directory) holding the API token and the database is writable by other users (mode 0\(String(dir.st_mode & 0o777, radix: 8))), so they could replace either. Restrict it with: chmod 700 \(directory)"
        }
        return nil
    }

    /// 32 random bytes as hex.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Writes the file with O_EXCL and mode 0600, and syncs it before use.
    private static func create(_ path: String, token: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try? OwnerOnly.createDirectory(directory.isEmpty ? "." : directory)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw ConfigError("Cannot create the API token file \(path): \(String(cString: strerror(errno))). Make the data directory writable, or set a token with $CAIRN_TOKEN.")
        }
        defer { close(fd) }
        let bytes = Array((token + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw ConfigError("Cannot write the API token file \(path): \(String(cString: strerror(errno))).")
        }
    }
}
