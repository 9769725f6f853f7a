import GridProtocol

/// Published by every service once its endpoints are bound.
public struct ServiceStarted: Codable, Sendable, Equatable {
    public static let topic = EventTopic<ServiceStarted>("ServiceStarted")

    /// The service, e.g. `registry`.
    public var service: String
    /// This instance, e.g. `ledger-2`; the service name when there is one instance.
    public var instance: String
    public var version: String
    public var pid: Int32
    public var rpcEndpoint: String
    public var eventsEndpoint: String

    public init(service: String, instance: String, version: String, pid: Int32, rpcEndpoint: String, eventsEndpoint: String) {
        self.service = service
        self.instance = instance
        self.version = version
        self.pid = pid
        self.rpcEndpoint = rpcEndpoint
        self.eventsEndpoint = eventsEndpoint
    }

    enum CodingKeys: String, CodingKey {
        case service, instance, version, pid
        case rpcEndpoint = "rpc_endpoint"
        case eventsEndpoint = "events_endpoint"
    }
}
