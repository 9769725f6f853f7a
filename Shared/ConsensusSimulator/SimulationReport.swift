import Consensus

/// A checked property that failed.
public struct Violation: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum Property: String, Sendable, Codable, Hashable {
        /// Two honest nodes committed different blocks at one height.
        case safety
        /// A node's committed blocks skipped or repeated a height within one incarnation.
        case order
        /// A committed chain that `ChainVerifier` refuses.
        case certificate
        /// A transaction submitted to an honest node was not committed everywhere by the deadline.
        case liveness
    }

    public let property: Property
    public let detail: String

    public var description: String { "\(property.rawValue): \(detail)" }
}

/// What one seeded run did and whether every property held.
public struct SimulationReport: Sendable, Codable {
    public let seed: UInt64
    public let nodes: Int
    public let scenario: String
    public let violations: [Violation]
    /// Virtual milliseconds simulated.
    public let virtualTime: UInt64
    public let messagesSent: Int
    public let messagesDropped: Int
    public let transactionsSubmitted: Int
    /// Committed height at each node (Byzantine ones included, for information).
    public let heights: [UInt64]
    /// Highest view any honest node reached.
    public let highestView: UInt64
    /// Each node's core at the end (see `Replica.description`).
    public let finalStates: [String]

    public var passed: Bool { violations.isEmpty }

    public var reproduce: String { "gridtrade sim --seed \(seed) --nodes \(nodes)" }

    public var failureMessage: String {
        "seed \(seed), \(nodes) nodes [\(scenario)]: \(violations.map(\.description).joined(separator: "; ")). Reproduce: \(reproduce)"
    }
}
