import Foundation

/// One process of the cluster as it runs on this machine.
public struct LocalProcess: Codable, Sendable, Equatable {
    /// The compose service name, e.g. `ledger-2`.
    public var name: String
    /// The package executable, e.g. `ledger`.
    public var executable: String
    public var arguments: [String]
    /// Only what compose.yaml sets, rewritten for loopback; the process also inherits the caller's environment.
    public var environment: [String: String]
    /// Where clients reach it.
    public var rpcEndpoint: String
    public var eventsEndpoint: String
    public var dataDirectory: String
    public var dependsOn: [String]

    enum CodingKeys: String, CodingKey {
        case name, executable, arguments, environment
        case rpcEndpoint = "rpc_endpoint"
        case eventsEndpoint = "events_endpoint"
        case dataDirectory = "data_directory"
        case dependsOn = "depends_on"
    }
}

/// Turns compose.yaml into local processes:
/// - a compose service name or `*` as a host becomes 127.0.0.1 (each service has its own port, so
///   the same addresses serve containers and local processes);
/// - every port moves by `portOffset`, so a second cluster (a test's) can run beside the first;
/// - a path under a named volume's mount point moves under `home/data/<service>`; a path under a
///   bind mount's target (`./deploy/cases:/usr/share/gridtrade/cases:ro`) moves to its source,
///   relative to `composeDirectory`;
/// - data centers: `dataCenters` keeps the first N of compose's `ledger-K` services, or adds
///   `ledger-5`... cloned from `ledger-1`, ports stepped as from `ledger-1` to `ledger-2`.
public enum LocalPlan {
    public static let ledgerExecutable = "ledger"

    public static func make(
        _ compose: ComposeFile, home: URL, dataCenters: Int? = nil, portOffset: Int = 0,
        composeDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws -> [LocalProcess] {
        var services = compose.services
        if let dataCenters { services = try resizeLedger(services, to: dataCenters) }
        let names = Set(services.keys)
        return try services.keys.sorted(by: orderedNames).map { name in
            let service = services[name]!
            guard let executable = service.command.first else { throw TopologyError("service \(name) has no command") }
            let data = home.appendingPathComponent("data").appendingPathComponent(name).path
            // Mount target → where it is on this machine.
            let mounts = service.volumes.compactMap { volume -> (target: String, local: String)? in
                let parts = volume.split(separator: ":")
                guard parts.count >= 2 else { return nil }
                let source = String(parts[0])
                let bind = source.hasPrefix(".") || source.hasPrefix("/")
                let local = bind ? (source.hasPrefix("/") ? source : composeDirectory.appendingPathComponent(source).standardizedFileURL.path) : data
                return (String(parts[1]), local)
            }
            let environment = service.environment.mapValues { value in
                var value = rewriteEndpoints(value, hosts: names, portOffset: portOffset)
                for mount in mounts where value == mount.target || value.hasPrefix(mount.target + "/") {
                    value = mount.local + value.dropFirst(mount.target.count)
                }
                return value
            }
            guard let rpc = environment["GRIDTRADE_RPC_ENDPOINT"], let events = environment["GRIDTRADE_EVENTS_ENDPOINT"] else {
                throw TopologyError("service \(name) sets no GRIDTRADE_RPC_ENDPOINT or GRIDTRADE_EVENTS_ENDPOINT")
            }
            return LocalProcess(
                name: name,
                executable: executable,
                arguments: Array(service.command.dropFirst()),
                environment: environment,
                rpcEndpoint: rpc,
                eventsEndpoint: events,
                dataDirectory: data,
                dependsOn: service.dependsOn.filter(names.contains)
            )
        }
    }

    /// `tcp://host:port` → `tcp://127.0.0.1:port+offset` for hosts that are `*`, 0.0.0.0 or a service name.
    static func rewriteEndpoints(_ value: String, hosts: Set<String>, portOffset: Int) -> String {
        let pattern = /tcp:\/\/([A-Za-z0-9_.*-]+):([0-9]+)/
        return value.replacing(pattern) { match in
            // A port too long for an Int is left as written; binding it then says what is wrong.
            guard let written = Int(match.output.2) else { return String(match.output.0) }
            let host = String(match.output.1)
            let port = written + portOffset
            let local = host == "*" || host == "0.0.0.0" || hosts.contains(host) ? "127.0.0.1" : host
            return "tcp://\(local):\(port)"
        }
    }

    /// Compose's ledger services, in node order.
    static func ledgerNames(_ services: [String: ComposeService]) -> [String] {
        services.filter { $0.value.command.first == ledgerExecutable }.keys.sorted(by: orderedNames)
    }

    static func resizeLedger(_ services: [String: ComposeService], to count: Int) throws -> [String: ComposeService] {
        guard count >= 1 else { throw TopologyError("--data-centers must be at least 1") }
        let ledgers = ledgerNames(services)
        guard let first = ledgers.first, let template = services[first] else {
            throw TopologyError("compose file has no ledger service to scale")
        }
        var result = services
        for extra in ledgers.dropFirst(count) { result[extra] = nil }
        guard count > ledgers.count else { return linkLedgers(result) }
        let step = try portStep(services, ledgers)
        for index in (ledgers.count + 1)...count {
            let name = "ledger-\(index)"
            let shift = step * (index - 1)
            var clone = template
            clone.environment = template.environment.mapValues { value in
                shiftBoundPorts(value.replacingOccurrences(of: first, with: name), by: shift)
            }
            clone.volumes = template.volumes.map { $0.replacingOccurrences(of: first, with: name) }
            result[name] = clone
        }
        return linkLedgers(result)
    }

    /// After resizing: every node's `GRIDTRADE_LEDGER_PEERS` lists all nodes, and each its own number.
    private static func linkLedgers(_ services: [String: ComposeService]) -> [String: ComposeService] {
        var result = services
        let names = ledgerNames(services)
        let peers = names.compactMap { name -> String? in
            guard let bound = services[name]?.environment["GRIDTRADE_RPC_ENDPOINT"], let port = bound.split(separator: ":").last else { return nil }
            return "tcp://\(name):\(port)"
        }.joined(separator: ",")
        for (index, name) in names.enumerated() where result[name]?.environment["GRIDTRADE_LEDGER_PEERS"] != nil {
            result[name]?.environment["GRIDTRADE_LEDGER_PEERS"] = peers
            result[name]?.environment["GRIDTRADE_LEDGER_NODE"] = "\(index + 1)"
        }
        return result
    }

    private static func portStep(_ services: [String: ComposeService], _ ledgers: [String]) throws -> Int {
        func port(_ name: String) -> Int? {
            services[name]?.environment["GRIDTRADE_RPC_ENDPOINT"].flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
        }
        guard ledgers.count >= 2 else { return 10 }
        guard let a = port(ledgers[0]), let b = port(ledgers[1]), b > a else {
            throw TopologyError("cannot infer the ledger port step from \(ledgers[0]) and \(ledgers[1])")
        }
        return b - a
    }

    /// Shifts the ports this node binds (`tcp://*:port`), not the addresses of others.
    private static func shiftBoundPorts(_ value: String, by shift: Int) -> String {
        value.replacing(/tcp:\/\/\*:([0-9]+)/) { match in
            Int(match.output.1).map { "tcp://*:\($0 + shift)" } ?? String(match.output.0)
        }
    }

    /// Names in order, with numeric suffixes compared as numbers: ledger-2 before ledger-10.
    public static func orderedNames(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
