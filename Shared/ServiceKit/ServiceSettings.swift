import Configuration
import Foundation
import Logging
import Messages

/// What a service reads at start. Each setting comes from the environment first
/// (`GRIDTRADE_RPC_ENDPOINT`), then from a flag (`--rpc-endpoint`), then its default.
/// docs/configuration.md lists them all.
public struct ServiceSettings: Sendable {
    public var service: ServiceName
    /// This instance's name: the service name, or `ledger-2` for one of several data centers.
    public var instance: String
    public var rpcEndpoint: String
    public var eventsEndpoint: String
    public var dataDirectory: String
    public var logLevel: Logger.Level
    public var maxMessageBytes: Int64
    public var heartbeatMilliseconds: Int
    /// The host others reach this instance by, put in place of a wildcard bind address.
    public var advertiseHost: String
    /// Where the service reads its own settings (same precedence: environment, flags).
    public let config: ConfigReader

    /// The default ports: `ServiceName.defaultPorts`, the one table.
    public static func defaultPorts(_ service: ServiceName) -> (rpc: Int, events: Int) { service.defaultPorts }

    public init(service: ServiceName, config: ConfigReader) throws {
        self.config = config
        self.service = service
        instance = config.string(forKey: "instance", default: service.rawValue)
        rpcEndpoint = config.string(forKey: "rpc.endpoint", default: service.defaultEndpoints.rpc)
        eventsEndpoint = config.string(forKey: "events.endpoint", default: service.defaultEndpoints.events)
        dataDirectory = config.string(forKey: "data.dir", default: "data/\(instance)")
        let level = config.string(forKey: "log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw SettingsError("log level '\(level)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        logLevel = parsed
        // A data center's batches of signed contracts run to a few MiB each.
        maxMessageBytes = Int64(try Self.positiveInt(config, "max.message.bytes", default: service == .ledger ? 32 << 20 : 4 << 20))
        heartbeatMilliseconds = try Self.positiveInt(config, "heartbeat.ms", default: 1000)
        // Under compose the instance name is the service's DNS name.
        advertiseHost = config.string(forKey: "advertise.host", default: instance)
    }

    /// Another service this one calls: `<service>.endpoint` and `<service>.events` (for example
    /// `GRIDTRADE_REVIEW_ENDPOINT`), defaulting to the one table in `ServiceName`.
    public func upstream(_ service: ServiceName) -> Upstream {
        let defaults = service.defaultEndpoints
        return Upstream(
            rpc: config.string(forKey: ConfigKey("\(service.rawValue).endpoint"), default: defaults.rpc),
            events: config.string(forKey: ConfigKey("\(service.rawValue).events"), default: defaults.events)
        )
    }

    /// `tcp://0.0.0.0:7101` (a wildcard bind) as others reach it: `tcp://registry:7101`.
    public func advertised(_ bound: String) -> String {
        bound.replacingOccurrences(of: "tcp://0.0.0.0:", with: "tcp://\(advertiseHost):")
            .replacingOccurrences(of: "tcp://*:", with: "tcp://\(advertiseHost):")
    }

    /// A set value that is not a positive integer is an error, not a silent default.
    private static func positiveInt(_ config: ConfigReader, _ key: ConfigKey, default value: Int) throws -> Int {
        guard let text = config.string(forKey: key) else { return value }
        guard let number = Int(text), number > 0 else {
            throw SettingsError("\(key) must be a positive integer, not '\(text)'")
        }
        return number
    }

    /// Environment first (`GRIDTRADE_` + key in upper snake case), then flags (`--key-in-dashes`).
    public static func reader(arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigReader {
        ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "gridtrade"),
            CommandLineArgumentsProvider(arguments: arguments),
        ])
    }
}

public struct SettingsError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
