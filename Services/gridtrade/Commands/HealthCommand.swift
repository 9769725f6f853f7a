import ArgumentParser
import Bus
import Foundation

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Ask one endpoint's Health/Check; exit 0 if it is SERVING (compose's healthcheck)."
    )

    @Argument(help: "The service's RPC endpoint, e.g. tcp://127.0.0.1:7101.")
    var endpoint: String

    @Option(help: "Milliseconds to wait.")
    var timeoutMs: Int = 2000

    func run() async throws {
        let client = try RPCClient(endpoint: endpoint, connectTimeout: .milliseconds(timeoutMs))
        defer { client.close() }
        do {
            let reply = try await client.call(Health.check, HealthCheckRequest(), deadline: .milliseconds(timeoutMs))
            print(reply.status)
            if reply.status != HealthCheckResponse.serving { throw ExitCode(1) }
        } catch let error as RPCError {
            printError("\(endpoint): \(error)")
            throw ExitCode(1)
        }
    }
}
