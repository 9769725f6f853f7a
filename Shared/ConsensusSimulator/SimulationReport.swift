import Consensus

/// A checked property that failed.
public struct Violation: Sendable, Codable, Hashable, CustomStringConvertible {
    public enum Property: String, Sendable, Codable, Hashable {
        /// Two honest nodes committed different blocks at one height.
        case safety
        /// A node's committed blocks skipped or repeated a height within one incarnation.
        case order
        /// A committed chain that `ChainVerifier` refuses (each membership's blocks against its keys).
        case certificate
        /// Two honest nodes executed (signed header votes for) different blocks at one height.
        case agreement
        /// An honest node told a client its transaction is at a height and index where an honest chain holds something else.
        case acknowledgement
        /// A transaction submitted to an honest node was not committed everywhere by the deadline,
        /// or a membership change did not take effect everywhere.
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
    /// Memberships the run went through (1: the founders only).
    public let memberships: Int
    /// Honest nodes left in a membership whose successor dropped or moved their seat before they
    /// stored its last block (see `Simulation.isStranded`): excused from liveness, and counted.
    public let stranded: [Int]
    /// What the Byzantine nodes did beyond their honest cores' output, by kind, for the new attacks.
    public let adversaryActions: [String: Int]
    /// Each node's core at the end (see `Replica.description`).
    public let finalStates: [String]

    public var passed: Bool { violations.isEmpty }

    public var reproduce: String { "gridtrade sim --seed \(seed) --data-centers \(nodes)" }

    public var failureMessage: String {
        "seed \(seed), \(nodes) nodes [\(scenario)]: \(violations.map(\.description).joined(separator: "; ")). Reproduce: \(reproduce)"
    }
}
