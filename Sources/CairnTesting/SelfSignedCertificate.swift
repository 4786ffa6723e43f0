import Foundation

/// A throwaway TLS certificate for `localhost` and `127.0.0.1`, made with the system's
/// `openssl req`, for servers a test starts (trusted by the client through its CA setting,
/// never by turning verification off).
public struct SelfSignedCertificate: Sendable {
    /// PEM files: the certificate (also its own CA) and the private key.
    public let certificate: String
    public let key: String

    /// Writes `cert.pem` and `key.pem` into `directory`.
    public init(in directory: String) throws {
        certificate = directory + "/cert.pem"
        key = directory + "/key.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw TestFailure("openssl req exited \(openssl.terminationStatus)") }
    }
}
