import CairnApp
import CairnTesting
import Foundation
import Testing

@Suite struct APITokenTests {
    @Test func theFirstStartWritesAPrivateTokenFileAndLaterStartsReuseIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = AppConfig()
        config.storage.path = directory.file("data/cairn.sqlite")

        let first = try APIToken.resolve(config, environment: [:])
        #expect(first.origin == .generated(directory.file("data/api-token")))
        #expect(first.value.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("data/api-token"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let second = try APIToken.resolve(config, environment: [:])
        #expect(second.value == first.value)
        #expect(second.origin == .file(directory.file("data/api-token")))
    }

    @Test func theConfigWinsThenTheEnvironmentThenTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = AppConfig()
        config.storage.path = directory.file("cairn.sqlite")
        config.auth.tokenEnv = "MY_TOKEN"

        let fromEnvironment = try APIToken.resolve(config, environment: ["MY_TOKEN": "environment-token-0123456789"])
        #expect(fromEnvironment.value == "environment-token-0123456789")
        #expect(fromEnvironment.origin == .environment("MY_TOKEN"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("api-token")))

        config.auth.token = "config-token-0123456789"
        let fromConfig = try APIToken.resolve(config, environment: ["MY_TOKEN": "environment-token-0123456789"])
        #expect(fromConfig.value == "config-token-0123456789")

        config.auth.token = nil
        #expect(throws: ConfigError.self) { try APIToken.resolve(config, environment: ["MY_TOKEN": "short"]) }
    }

    @Test func anEmptyTokenFileIsRefusedWithAFix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        FileManager.default.createFile(atPath: directory.file("api-token"), contents: Data("\n".utf8))
        var config = AppConfig()
        config.storage.path = directory.file("cairn.sqlite")
        let error = try #require(throws: ConfigError.self) { try APIToken.resolve(config, environment: [:]) }
        #expect(error.message.contains("Delete it and restart"))
    }

    @Test func aTokenFileOthersCanReadIsUsedWithAWarningAndOneTheyCanWriteIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = AppConfig()
        config.storage.path = directory.file("cairn.sqlite")
        let path = directory.file("api-token")
        try "0123456789abcdef0123456789abcdef\n".write(toFile: path, atomically: false, encoding: .utf8)

        chmod(path, 0o600)
        #expect(try APIToken.resolve(config, environment: [:]).warning == nil)

        chmod(path, 0o644)
        let readable = try APIToken.resolve(config, environment: [:])
        #expect(readable.value == "0123456789abcdef0123456789abcdef")
        let warning = try #require(readable.warning)
        #expect(warning.contains("readable by other users (mode 0644)"), "\(warning)")
        #expect(warning.contains("chmod 600 \(path)"))

        chmod(path, 0o666)
        let error = try #require(throws: ConfigError.self) { try APIToken.resolve(config, environment: [:]) }
        #expect(error.message.contains("writable by other users (mode 0666)"), "\(error)")
        #expect(error.message.contains("chmod 600 \(path)"))
    }

    @Test func aTokenFileOfAnotherUserIsRefusedAndAnOpenDirectoryIsWarnedAbout() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = AppConfig()
        config.storage.path = directory.file("cairn.sqlite")
        let path = directory.file("api-token")
        try "0123456789abcdef0123456789abcdef\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)

        chmod(directory.path, 0o777)
        let warning = try #require(try APIToken.resolve(config, environment: [:]).warning)
        #expect(warning.contains("writable by other users (mode 0777)"), "\(warning)")
        #expect(warning.contains("chmod 700 \(directory.path)"))
        chmod(directory.path, 0o700)

        // Only root can give a file away; elsewhere the ownership rule cannot be staged.
        guard geteuid() == 0 else { return }
        #expect(chown(path, 65_534, 65_534) == 0)
        let error = try #require(throws: ConfigError.self) { try APIToken.resolve(config, environment: [:]) }
        #expect(error.message.contains("belongs to uid 65534"), "\(error)")
    }

    @Test func theGeneratedTokenGoesIntoAnOwnerOnlyDataDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = AppConfig()
        config.storage.path = directory.file("fresh/cairn.sqlite")
        _ = try APIToken.resolve(config, environment: [:])
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("fresh"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }
}
