import Bus
import Foundation
import Synchronization
import LedgerKit
import Glibc
import Testing

/// Where `swift build` put the executables: beside this test binary, or $GRIDTRADE_BIN_DIR.
let binDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["GRIDTRADE_BIN_DIR"] { return URL(fileURLWithPath: dir) }
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: me).deletingLastPathComponent()
    // Inside an .xctest bundle directory on some layouts.
    if url.pathExtension == "xctest" { url.deleteLastPathComponent() }
    return url
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Ports handed out by `freePort`, from below Linux's ephemeral range (32768 up) and below the
/// cluster's own (7101 up): the kernel never gives these to an outgoing connection or to another
/// test's port-0 bind, so a service restarted on its port (after kill -9) always gets it back.
private let portCounter = Atomic<Int>(Int.random(in: 0..<1_000))
private let portRange = 5_000..<7_000

/// A loopback port nobody listens on right now, never handed out twice by this test process.
func freePort() throws -> Int {
    for _ in 0..<portRange.count {
        let port = portRange.lowerBound + portCounter.wrappingAdd(1, ordering: .relaxed).newValue % portRange.count
        if canBind(port) { return port }
    }
    Issue.record("no free port in \(portRange)")
    throw CancellationError()
}

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var reuse: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gridtrade-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// One real service executable, on ports of its own.
final class ServiceProcess: @unchecked Sendable {
    let executable: String
    let instance: String
    let rpcEndpoint: String
    let eventsEndpoint: String
    let dataDirectory: URL
    let log: URL
    private(set) var process: Process

    let environment: [String: String]

    init(_ executable: String, instance: String? = nil, rpcPort: Int? = nil, eventsPort: Int? = nil, environment: [String: String] = [:]) throws {
        self.executable = executable
        self.environment = environment
        self.instance = instance ?? executable
        rpcEndpoint = "tcp://127.0.0.1:\(try rpcPort ?? freePort())"
        eventsEndpoint = "tcp://127.0.0.1:\(try eventsPort ?? freePort())"
        dataDirectory = try temporaryDirectory(executable)
        log = dataDirectory.appendingPathComponent("service.log")
        process = Process()
        try start()
    }

    /// Starts (or restarts) the executable with the same endpoints.
    func start() throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        process = Process()
        process.executableURL = binDirectory.appendingPathComponent(executable)
        process.environment = ProcessInfo.processInfo.environment.merging([
            "GRIDTRADE_INSTANCE": instance,
            "GRIDTRADE_RPC_ENDPOINT": rpcEndpoint,
            "GRIDTRADE_EVENTS_ENDPOINT": eventsEndpoint,
            "GRIDTRADE_DATA_DIR": dataDirectory.path,
            "GRIDTRADE_HEARTBEAT_MS": "200",
        ].merging(environment) { $1 }) { $1 }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits until Health/Check says SERVING.
    func waitHealthy(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        let client = try RPCClient(endpoint: rpcEndpoint, connectTimeout: .milliseconds(200))
        defer { client.close() }
        while ContinuousClock.now < deadline {
            if let reply = try? await client.call(Health.check, .init(), deadline: .milliseconds(500)), reply.status == "SERVING" { return }
            try #require(process.isRunning, "\(executable) exited: \(logText)")
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(executable) never became healthy: \(logText)")
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends a signal and waits for the exit; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Runs a command to its end; returns its status and output.
func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let scratch = try temporaryDirectory("run")
    let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
}

/// Runs `body`, then `stop` whether or not it failed: a test never leaves its processes running.
func stopping(_ stop: () async -> Void, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        await stop()
        throw error
    }
    await stop()
}

/// Settings for data center `node` of a four-node cluster with fresh keys, whose peers are addresses
/// nobody listens on: enough for the node to start and serve.
func ledgerEnvironment(node: Int) throws -> [String: String] {
    let keys = try temporaryDirectory("ledger-keys")
    _ = try DataCenterKeys.generate(count: 4, in: keys)
    let peers = try (0..<4).map { _ in "tcp://127.0.0.1:\(try freePort())" }.joined(separator: ",")
    return [
        "GRIDTRADE_LEDGER_NODE": "\(node)",
        "GRIDTRADE_LEDGER_PEERS": peers,
        "GRIDTRADE_LEDGER_KEY": keys.appendingPathComponent("node-\(node).pem").path,
        "GRIDTRADE_LEDGER_MEMBERS": keys.appendingPathComponent("members.pem").path,
    ]
}
