import ClusterControl
import Foundation
import Testing
import Topology

/// The repository's own compose.yaml, for real process specs.
private let repositoryCompose = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("compose.yaml")

private func scratchHome() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-control-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("a cluster home's state file")
struct ClusterHomeTests {
    @Test("an explicit home wins over GRIDTRADE_HOME; logs sit under logs/")
    func paths() {
        let home = ClusterHome("/tmp/some-home")
        #expect(home.url.path == "/tmp/some-home")
        #expect(home.stateFile.path == "/tmp/some-home/cluster.json")
        #expect(home.log("ledger-2").path == "/tmp/some-home/logs/ledger-2.log")
    }

    @Test("no state file is no cluster")
    func missing() throws {
        let url = try scratchHome()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try ClusterHome(url.path).loadState() == nil)
    }

    @Test("what up saves is what down and the benchmarks load, field for field")
    func roundTrip() throws {
        let url = try scratchHome()
        defer { try? FileManager.default.removeItem(at: url) }
        let home = ClusterHome(url.path)
        let plan = try LocalPlan.make(ComposeFile.load(repositoryCompose), home: url, portOffset: 500)
        let processes = plan.enumerated().map { index, spec in
            StartedProcess(spec: spec, pid: Int32(1_000 + index), startTicks: UInt64(42 + index), log: home.log(spec.name).path)
        }
        try home.save(ClusterState(composeFile: repositoryCompose.path, portOffset: 500, processes: processes))
        let loaded = try #require(try home.loadState())
        #expect(loaded.composeFile == repositoryCompose.path)
        #expect(loaded.portOffset == 500)
        #expect(loaded.processes.map(\.spec) == plan)
        #expect(loaded.processes.map(\.pid) == processes.map(\.pid))
        #expect(loaded.processes.map(\.startTicks) == processes.map(\.startTicks))
        // The file keeps its snake_case keys, which older homes were written with.
        let json = try String(contentsOf: home.stateFile, encoding: .utf8)
        #expect(json.contains("\"port_offset\" : 500"))
        #expect(json.contains("\"start_ticks\""))

        home.removeState()
        #expect(try home.loadState() == nil)
    }

    @Test("an unreadable state file is a typed error naming the file")
    func unreadable() throws {
        let url = try scratchHome()
        defer { try? FileManager.default.removeItem(at: url) }
        let home = ClusterHome(url.path)
        try Data("not json".utf8).write(to: home.stateFile)
        #expect {
            try home.loadState()
        } throws: { error in
            guard case .unreadable(let path, _) = error as? ClusterStateError else { return false }
            return path == home.stateFile.path && "\(error)".contains("remove it after stopping its processes by hand")
        }
    }

    @Test("a state file that cannot be replaced is a typed error, not a half-written file")
    func unwritable() throws {
        let url = try scratchHome()
        defer { try? FileManager.default.removeItem(at: url) }
        let home = ClusterHome(url.path)
        // A non-empty directory where cluster.json belongs: rename(2) cannot replace it.
        try FileManager.default.createDirectory(at: home.stateFile.appendingPathComponent("occupied"), withIntermediateDirectories: true)
        #expect {
            try home.save(ClusterState(composeFile: "compose.yaml", portOffset: 0, processes: []))
        } throws: { error in
            guard case .unwritable(let path, _) = error as? ClusterStateError else { return false }
            return path == home.stateFile.path
        }
    }
}

@Suite("processes a cluster home records")
struct StartedProcessTests {
    @Test("a recorded process runs only while its pid has the recorded start time")
    func recycledPid() throws {
        let spec = try #require(try LocalPlan.make(ComposeFile.load(repositoryCompose), home: URL(fileURLWithPath: "/tmp/h")).first)
        let me = getpid()
        let ticks = try #require(ProcessControl.startTicks(of: me))
        #expect(StartedProcess(spec: spec, pid: me, startTicks: ticks, log: "/dev/null").isRunning)
        #expect(!StartedProcess(spec: spec, pid: me, startTicks: ticks + 1, log: "/dev/null").isRunning)
        #expect(ProcessControl.startTicks(of: 0) == nil)
        #expect(ProcessControl.startTicks(of: -1) == nil)
    }
}
