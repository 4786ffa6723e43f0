import CairnApp
import Testing

/// What `cairn … --config` reads to reach the appliance: the address and token, nothing that
/// needs the appliance's secrets.
@Suite struct ConnectionConfigTests {
    static let text = """
        [server]
        host = "127.0.0.1"
        port = 9911

        [[hooks]]
        name = "github"
        scheme = "github"
        secrets = ["env:CAIRN_TEST_UNSET_SECRET_7f3a"]
        action = "create"
        workflow = "nowhere"
        """

    @Test func aClientReadsTheAddressWithoutTheHooksSecrets() throws {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(Self.text, source: "x.toml", environment: [:]) }
        let config = try ConfigLoader.parse(Self.text, source: "x.toml", environment: [:], connectionOnly: true)
        #expect(config.server.port == 9911)
        #expect(config.hooks.isEmpty)
    }
}
