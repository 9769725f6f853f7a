import Topology

/// What `gridtrade up` started.
public struct ClusterState: Codable, Sendable {
    public var composeFile: String
    public var portOffset: Int
    public var processes: [StartedProcess]

    public init(composeFile: String, portOffset: Int, processes: [StartedProcess]) {
        self.composeFile = composeFile
        self.portOffset = portOffset
        self.processes = processes
    }

    enum CodingKeys: String, CodingKey {
        case processes
        case composeFile = "compose_file"
        case portOffset = "port_offset"
    }
}

public struct StartedProcess: Codable, Sendable {
    public var spec: LocalProcess
    public var pid: Int32
    /// The kernel's start time of the process, so a recycled pid is never mistaken for ours.
    public var startTicks: UInt64
    public var log: String

    public init(spec: LocalProcess, pid: Int32, startTicks: UInt64, log: String) {
        self.spec = spec
        self.pid = pid
        self.startTicks = startTicks
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case spec, pid, log
        case startTicks = "start_ticks"
    }

    public var isRunning: Bool { ProcessControl.startTicks(of: pid) == startTicks }
}
