/// The back-end services, by the name used everywhere: executable, compose service, logs, events.
public enum ServiceName: String, Codable, Sendable, CaseIterable {
    case registry, matching, review, dispatch, ledger, settlement

    /// The one table of default ports, the same as compose.yaml's, so a bare `registry` joins a
    /// bare `matching` and a bare CLI finds both. The ledger's are the first data center's.
    public var defaultPorts: (rpc: Int, events: Int) {
        switch self {
        case .registry: (7101, 7102)
        case .matching: (7111, 7112)
        case .review: (7121, 7122)
        case .dispatch: (7131, 7132)
        case .settlement: (7141, 7142)
        case .ledger: (7201, 7202)
        }
    }

    /// Where a client on this host finds the service when nothing says otherwise.
    public var defaultEndpoints: Upstream {
        Upstream(rpc: "tcp://127.0.0.1:\(defaultPorts.rpc)", events: "tcp://127.0.0.1:\(defaultPorts.events)")
    }
}

/// Another service as a client reaches it: its RPC (ROUTER) and events (PUB) endpoints.
public struct Upstream: Sendable, Equatable {
    public var rpc: String
    public var events: String

    public init(rpc: String, events: String) {
        self.rpc = rpc
        self.events = events
    }
}
