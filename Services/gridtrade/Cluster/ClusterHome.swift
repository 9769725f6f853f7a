import ArgumentParser
import Foundation
import Glibc
import Topology

/// Where a local cluster keeps its state: `$GRIDTRADE_HOME`, or `~/.gridtrade`.
/// `cluster.json` records what `up` started; `logs/` and `data/` hold one entry per service.
struct ClusterHome {
    let url: URL

    init(_ path: String?) {
        let environment = ProcessInfo.processInfo.environment
        if let path = path ?? environment["GRIDTRADE_HOME"], !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            url = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".gridtrade")
        }
    }

    var stateFile: URL { url.appendingPathComponent("cluster.json") }
    func log(_ name: String) -> URL { url.appendingPathComponent("logs").appendingPathComponent("\(name).log") }

    func loadState() throws -> ClusterState? {
        guard FileManager.default.fileExists(atPath: stateFile.path) else { return nil }
        do {
            return try JSONDecoder().decode(ClusterState.self, from: Data(contentsOf: stateFile))
        } catch {
            throw Failure("\(stateFile.path) is unreadable (\(error)); remove it after stopping its processes by hand")
        }
    }

    func save(_ state: ClusterState) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Write-then-rename, so a crash never leaves half a state file.
        let temporary = url.appendingPathComponent("cluster.json.tmp")
        try encoder.encode(state).write(to: temporary)
        guard rename(temporary.path, stateFile.path) == 0 else {
            throw Failure("cannot write \(stateFile.path): \(String(cString: strerror(errno)))")
        }
    }

    func removeState() { try? FileManager.default.removeItem(at: stateFile) }
}

/// What `gridtrade up` started.
struct ClusterState: Codable {
    var composeFile: String
    var portOffset: Int
    var processes: [StartedProcess]

    enum CodingKeys: String, CodingKey {
        case processes
        case composeFile = "compose_file"
        case portOffset = "port_offset"
    }
}

struct StartedProcess: Codable {
    var spec: LocalProcess
    var pid: Int32
    /// The kernel's start time of the process, so a recycled pid is never mistaken for ours.
    var startTicks: UInt64
    var log: String

    enum CodingKeys: String, CodingKey {
        case spec, pid, log
        case startTicks = "start_ticks"
    }

    var isRunning: Bool { ProcessControl.startTicks(of: pid) == startTicks }
}
