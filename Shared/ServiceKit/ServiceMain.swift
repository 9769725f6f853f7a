import Bus
import Foundation
import Logging
import Messages
import Metrics
import ServiceLifecycle

/// The whole `main` of a service executable: read settings, bootstrap logging and metrics,
/// bind the bus, then run until SIGTERM or SIGINT shuts it down gracefully.
public enum ServiceMain {
    /// - Parameter configure: adds the service's own handlers to the host and returns any
    ///   further services to run beside it.
    public static func run(
        _ service: ServiceName,
        configure: @Sendable (BusHost) async throws -> [any Service] = { _ in [] }
    ) async -> Never {
        let settings: ServiceSettings
        do {
            settings = try ServiceSettings(service: service, config: ServiceSettings.reader())
        } catch {
            FileHandle.standardError.write(Data("\(service.rawValue): bad configuration: \(error)\n".utf8))
            exit(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let metrics = MetricsRegistry()
        MetricsSystem.bootstrap(metrics)
        var logger = Logger(label: "gridtrade.\(service.rawValue)")
        logger[metadataKey: "service.instance"] = "\(settings.instance)"
        do {
            try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
            let host = try BusHost(settings: settings, logger: logger, metrics: metrics)
            let others = try await configure(host)
            let group = ServiceGroup(configuration: .init(
                services: ([host] + others).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
            try await group.run()
            ZMQContext.shared.terminate(waitingAtMost: .seconds(2))
            exit(0)
        } catch let error as SettingsError {
            // A service's own settings, read while it wires itself, are still configuration.
            FileHandle.standardError.write(Data("\(service.rawValue): bad configuration: \(error)\n".utf8))
            exit(2)
        } catch {
            logger.critical("failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
