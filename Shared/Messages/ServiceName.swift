/// The back-end services, by the name used everywhere: executable, compose service, logs, events.
public enum ServiceName: String, Codable, Sendable, CaseIterable {
    case registry, matching, review, dispatch, ledger, settlement
}
