import Bus
import Foundation
import Logging
import Messages
import ServiceLifecycle

/// A service's presence on the bus: its RPC server and event publisher, run as a swift-service-lifecycle
/// `Service`. Domain code registers its handlers on `server` and publishes through `events`.
public final class BusHost: Service, Sendable {
    public let settings: ServiceSettings
    public let server: RPCServer
    public let events: EventPublisher
    public let logger: Logger
    public let metrics: MetricsRegistry

    public init(settings: ServiceSettings, logger: Logger, metrics: MetricsRegistry) throws {
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        server = try RPCServer(
            endpoint: settings.rpcEndpoint,
            // Ready only once the service has registered its handlers (in `run`).
            options: .init(maxMessageBytes: settings.maxMessageBytes, startsReady: false),
            logger: logger,
            metrics: metrics
        )
        events = try EventPublisher(
            endpoint: settings.eventsEndpoint,
            source: settings.instance,
            heartbeatInterval: .milliseconds(settings.heartbeatMilliseconds)
        )
        events.serveCatchUp(on: server)
        server.registerImmediate(MetricsAPI.get) { [metrics] _, _ in MetricsSnapshot(values: metrics.snapshot()) }
    }

    public func run() async throws {
        server.ready()
        try events.publish(ServiceStarted.topic, ServiceStarted(
            service: settings.service.rawValue,
            instance: settings.instance,
            version: GridTradeVersion.current,
            pid: getpid(),
            rpcEndpoint: settings.advertised(server.endpoint),
            eventsEndpoint: settings.advertised(events.endpoint)
        ))
        logger.info("serving", metadata: [
            "rpc.endpoint": "\(server.endpoint)",
            "events.endpoint": "\(events.endpoint)",
            "rpc.methods": "\(server.methods.joined(separator: ","))",
        ])
        await withGracefulShutdownHandler {
            await server.run()
        } onGracefulShutdown: { [server, logger] in
            logger.info("shutting down")
            server.shutdown()
        }
        events.close()
        logger.info("stopped")
    }
}
