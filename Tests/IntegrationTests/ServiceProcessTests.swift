import Bus
import Foundation
import Glibc
import Messages
import Testing
import TestSupport

@Suite("Each service executable, as a real process")
struct ServiceProcessTests {
    @Test("answers Health/Check, publishes ServiceStarted, and stops cleanly on SIGTERM", arguments: ServiceName.allCases)
    func lifecycle(_ service: ServiceName) async throws {
        let instance = service == .ledger ? "ledger-3" : service.rawValue
        // A data center needs its cluster's keys and peers; the other three need not be running to serve.
        let environment = service == .ledger ? try ledgerEnvironment(node: 3) : [:]
        let process = try ServiceProcess(service.rawValue, instance: instance, environment: environment)
        try await process.waitHealthy()

        // Subscribing after the event was published: the catch-up query delivers it.
        let rpc = try RPCClient(endpoint: process.rpcEndpoint)
        let subscriber = try EventSubscriber(endpoint: process.eventsEndpoint, rpc: rpc)
        let started = try await firstEvent(subscriber.subscribe(ServiceStarted.topic))
        #expect(started.body.service == service.rawValue)
        #expect(started.body.instance == instance)
        #expect(started.body.pid == process.process.processIdentifier)
        #expect(started.body.rpcEndpoint == process.rpcEndpoint)
        #expect(started.source == instance)
        #expect(started.seq == 1)

        let metrics = try await rpc.call(MetricsAPI.get, Empty())
        #expect((metrics.values["rpc.server.requests{method=Health/Check,code=0}"] ?? 0) >= 1)

        #expect(await process.stop(signal: SIGTERM) == 0)
        #expect(process.logText.contains("stopped"))
    }

    @Test("SIGINT shuts down as cleanly as SIGTERM")
    func sigint() async throws {
        let process = try ServiceProcess("registry")
        try await process.waitHealthy()
        #expect(await process.stop(signal: SIGINT) == 0)
    }

    @Test("bad configuration exits 2 with the reason")
    func badConfiguration() async throws {
        let result = try await run(binDirectory.appendingPathComponent("matching"), ["--log-level", "loud"])
        #expect(result.status == 2)
        #expect(result.error.contains("log level 'loud'"))
        let heartbeat = try await run(binDirectory.appendingPathComponent("matching"), [], environment: ["GRIDTRADE_HEARTBEAT_MS": "abc"])
        #expect(heartbeat.status == 2)
        #expect(heartbeat.error.contains("heartbeat.ms must be a positive integer, not 'abc'"))
        let taken = try ServiceProcess("registry")
        try await taken.waitHealthy()
        let clash = try await run(binDirectory.appendingPathComponent("review"), [], environment: ["GRIDTRADE_RPC_ENDPOINT": taken.rpcEndpoint, "GRIDTRADE_DATA_DIR": taken.dataDirectory.path])
        #expect(clash.status == 1)
        #expect(clash.error.contains("Address already in use"))
    }
}
