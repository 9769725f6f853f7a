import ArgumentParser
import Bus
import ClusterControl
import Foundation

struct ClusterOptions: ParsableArguments {
    @Option(help: "Cluster home for pids, logs and data (default: $GRIDTRADE_HOME, else ~/.gridtrade).")
    var home: String?

    var clusterHome: ClusterHome { ClusterHome(home) }
}

/// Asks `Health/Check`; true only for SERVING.
func isServing(_ endpoint: String, timeout: Duration = .seconds(1)) async -> Bool {
    guard let client = try? RPCClient(endpoint: endpoint, connectTimeout: timeout) else { return false }
    defer { client.close() }
    let reply = try? await client.call(Health.check, HealthCheckRequest(), deadline: timeout)
    return reply?.status == HealthCheckResponse.serving
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("gridtrade: \(message)\n".utf8))
}

/// A failure at run time (not a usage mistake): printed as `Error: ...` without the usage text.
struct Failure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
