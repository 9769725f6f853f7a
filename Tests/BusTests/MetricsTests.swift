import Bus
import Foundation
import ServiceKit
import Testing
import TestSupport

@Suite("Metrics")
struct MetricsTests {
    @Test("the server counts requests by method and status code through an injected factory")
    func countsRequests() async throws {
        let metrics = MetricsRegistry()
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*", metrics: metrics)
        TestAPI.register(on: server)
        let serving = Task { await server.run() }
        let client = try RPCClient(endpoint: server.endpoint)
        for _ in 0..<3 { _ = try await client.call(Health.check, .init()) }
        _ = try? await client.call(TestAPI.notFound, Empty())
        _ = try? await client.call(Method<Empty, Empty>("No/Such"), Empty())
        server.shutdown()
        await serving.value
        #expect(metrics.value("rpc.server.requests", [("method", "Health/Check"), ("code", "0")]) == 3)
        #expect(metrics.value("rpc.server.requests", [("method", "Test/NotFound"), ("code", "5")]) == 1)
        #expect(metrics.value("rpc.server.requests", [("method", "unknown"), ("code", "12")]) == 1)
    }
}
