/// `Health/Check`, answered by every service.
public enum Health {
    public static let check = Method<HealthCheckRequest, HealthCheckResponse>("Health/Check")
}

public struct HealthCheckRequest: Codable, Sendable {
    /// Optional, as in gRPC's health protocol: the service name asked about.
    public var service: String?

    public init(service: String? = nil) { self.service = service }
}

public struct HealthCheckResponse: Codable, Sendable, Equatable {
    public static let serving = "SERVING"
    public static let notServing = "NOT_SERVING"

    public var status: String

    public init(status: String) { self.status = status }
}
