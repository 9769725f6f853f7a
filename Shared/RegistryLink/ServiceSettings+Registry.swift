import Configuration
import Foundation
import Logging
import Messages
import ServiceKit

public extension RegistryLink {
    /// The registry a service's settings name (`registry.endpoint`, `registry.events`); the defaults
    /// are the registry's own, so a bare service finds a bare registry.
    convenience init(settings: ServiceSettings, logger: Logger) throws {
        let registry = settings.upstream(.registry)
        try self.init(rpc: registry.rpc, events: registry.events, logger: logger)
    }
}

public extension ServiceIdentity {
    /// The member a service signs as, with its key at `signing.key` (default: `signing-key.pem` in
    /// the data directory, made there on first start).
    convenience init(settings: ServiceSettings, role: Role, logger: Logger) throws {
        let keyPath = settings.config.string(
            forKey: "signing.key", default: URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("signing-key.pem").path
        )
        try self.init(keyPath: keyPath, role: role, logger: logger)
    }
}
