import GridProtocol

/// `Metrics/Get`, answered by every service: the values its swift-metrics backend holds.
public enum MetricsAPI {
    public static let get = Method<Empty, MetricsSnapshot>("Metrics/Get")
}

public struct MetricsSnapshot: Codable, Sendable, Equatable {
    /// Keyed `label{dimension=value,...}`, e.g. `rpc.server.requests{method=Health/Check,code=0}`.
    public var values: [String: Double]

    public init(values: [String: Double]) { self.values = values }
}
