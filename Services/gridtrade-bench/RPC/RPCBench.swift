import ArgumentParser
import Bus
import Foundation

/// `gridtrade-bench rpc`: the bus against raw libzmq in the same run.
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "RPC round trip p50/p99 and throughput through the bus, against raw libzmq REQ/REP."
    )

    @Option(help: "Round trips per measurement.")
    var requests: Int = 20_000

    @Option(help: "Calls in flight for the throughput run.")
    var inFlight: Int = 64

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        guard inFlight > 0, requests >= inFlight else { throw ValidationError("--in-flight must be positive and --requests at least --in-flight") }
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        BusBenchmark.serve(server)
        let serving = Task { await server.run() }
        let client = try RPCClient(endpoint: server.endpoint)
        // The raw baseline sends a frame the size of the bus's request, so only the bus's own work differs.
        let sample = try JSONEncoder().encode(["id": "abcdef-123456", "method": "Health/Check", "body": "{}"])
        let warmup = min(2_000, requests)
        _ = try RawBaseline.run(requests: warmup, payload: sample)
        _ = try await BusBenchmark.healthChecks(client: client, requests: warmup)

        let raw = try RawBaseline.run(requests: requests, payload: sample)
        let sequential = try await BusBenchmark.healthChecks(client: client, requests: requests)
        let sequentialTask = try await BusBenchmark.echoes(client: client, requests: requests)
        let pipelined = try await BusBenchmark.pipelined(client: client, requests: requests, inFlight: inFlight)
        client.close()
        server.shutdown()
        await serving.value

        let results = [raw, sequential, sequentialTask, pipelined]
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
            return
        }
        func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        print("run".padding(toLength: 30, withPad: " ", startingAt: 0) + "     p50 us     p99 us     req/s")
        for result in results {
            print(result.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + cell(result.p50Microseconds, "%11.1f") + cell(result.p99Microseconds, "%11.1f") + cell(result.requestsPerSecond, "%10.0f"))
        }
        if let bus = sequential.p50Microseconds, let task = sequentialTask.p50Microseconds, let base = raw.p50Microseconds {
            print(String(format: "p50 vs raw: Health/Check %.2fx, Bench/Echo %.2fx (goal <= 1.5x); pipelined %.0f req/s (goal >= 20000)", bus / base, task / base, pipelined.requestsPerSecond))
        }
    }
}
