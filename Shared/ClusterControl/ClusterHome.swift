import Foundation
import Glibc

/// Where a local cluster keeps its state: `$GRIDTRADE_HOME`, or `~/.gridtrade`.
/// `cluster.json` records what `up` started; `logs/` and `data/` hold one entry per service.
public struct ClusterHome: Sendable {
    public let url: URL

    public init(_ path: String?) {
        let environment = ProcessInfo.processInfo.environment
        if let path = path ?? environment["GRIDTRADE_HOME"], !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            url = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".gridtrade")
        }
    }

    public var stateFile: URL { url.appendingPathComponent("cluster.json") }
    public func log(_ name: String) -> URL { url.appendingPathComponent("logs").appendingPathComponent("\(name).log") }

    public func loadState() throws -> ClusterState? {
        guard FileManager.default.fileExists(atPath: stateFile.path) else { return nil }
        do {
            return try JSONDecoder().decode(ClusterState.self, from: Data(contentsOf: stateFile))
        } catch {
            throw ClusterStateError.unreadable(path: stateFile.path, reason: "\(error)")
        }
    }

    public func save(_ state: ClusterState) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Write-then-rename, so a crash never leaves half a state file.
        let temporary = url.appendingPathComponent("cluster.json.tmp")
        try encoder.encode(state).write(to: temporary)
        guard rename(temporary.path, stateFile.path) == 0 else {
            throw ClusterStateError.unwritable(path: stateFile.path, reason: String(cString: strerror(errno)))
        }
    }

    public func removeState() { try? FileManager.default.removeItem(at: stateFile) }
}
