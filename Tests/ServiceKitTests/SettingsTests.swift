import Messages
import ServiceKit
import Testing

@Suite("Service settings")
struct SettingsTests {
    @Test("environment first, then flags, then defaults")
    func precedence() throws {
        let reader = ServiceSettings.reader(
            arguments: ["review", "--rpc-endpoint", "tcp://127.0.0.1:9000", "--log-level", "debug"],
            environment: ["GRIDTRADE_RPC_ENDPOINT": "tcp://127.0.0.1:8000"]
        )
        let settings = try ServiceSettings(service: .review, config: reader)
        #expect(settings.rpcEndpoint == "tcp://127.0.0.1:8000")
        #expect(settings.logLevel == .debug)
        #expect(settings.eventsEndpoint == "tcp://127.0.0.1:7122")
        #expect(settings.instance == "review")
    }

    @Test("a wildcard bind is advertised under the instance's name")
    func advertised() throws {
        let reader = ServiceSettings.reader(arguments: ["ledger"], environment: ["GRIDTRADE_INSTANCE": "ledger-2"])
        let settings = try ServiceSettings(service: .ledger, config: reader)
        #expect(settings.advertised("tcp://0.0.0.0:7211") == "tcp://ledger-2:7211")
        #expect(settings.advertised("tcp://127.0.0.1:7211") == "tcp://127.0.0.1:7211")
    }

    @Test("a bad value is an error naming the setting")
    func refusals() {
        #expect(throws: SettingsError.self) {
            try ServiceSettings(service: .registry, config: ServiceSettings.reader(arguments: ["registry"], environment: ["GRIDTRADE_MAX_MESSAGE_BYTES": "-1"]))
        }
        #expect(throws: SettingsError.self) {
            try ServiceSettings(service: .registry, config: ServiceSettings.reader(arguments: ["registry", "--log-level", "chatty"], environment: [:]))
        }
    }
}
