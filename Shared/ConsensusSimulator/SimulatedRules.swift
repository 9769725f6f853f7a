import Consensus
import Foundation

/// The data centers that order the blocks after `after` (physical node numbers, in seat order).
public struct SimulatedMembership: Sendable, Hashable, Codable {
    public let after: UInt64
    public let seats: [Int]
}

/// A membership change as a client submits it: one transaction stands for a proposal that passed
/// (the ledger's vote is not what the simulator tests; the switch that follows is).
enum MembershipRequest: Equatable {
    case admit(Int)
    case remove(Int)

    static let prefix = "sim-membership:"

    var payload: Data {
        switch self {
        case .admit(let node): Data((Self.prefix + "admit:\(node)").utf8)
        case .remove(let node): Data((Self.prefix + "remove:\(node)").utf8)
        }
    }

    init?(payload: Data) {
        guard payload.starts(with: Data(Self.prefix.utf8)) else { return nil }
        let parts = String(decoding: payload.dropFirst(Self.prefix.utf8.count), as: UTF8.self).split(separator: ":")
        guard parts.count == 2, let node = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "admit": self = .admit(node)
        case "remove": self = .remove(node)
        default: return nil
        }
    }
}

/// The simulator's application rules: every transaction is taken, and a membership request
/// schedules the next membership as `LedgerRules` does (`GovernancePolicy.activationHeight`: the
/// first multiple of K at least one watermark window and one interval above the deciding block),
/// so the core orders up to that height and the shell switches after it.
struct SimulatedRules: ExecutionRules {
    let checkpointInterval: UInt64
    let watermarkWindow: UInt64
    /// Founders first, as the chain records them.
    private(set) var memberships: [SimulatedMembership]
    /// The height of the last transaction applied (as `LedgerRules` tracks it).
    private(set) var height: UInt64 = 0

    init(configuration: Configuration, founders: [Int]) {
        checkpointInterval = configuration.checkpointInterval
        watermarkWindow = configuration.watermarkWindow
        memberships = [SimulatedMembership(after: 0, seats: founders)]
    }

    mutating func apply(_ transaction: Transaction, at location: TransactionLocation) -> TransactionRejection? {
        height = location.height
        guard let request = MembershipRequest(payload: transaction.payload) else { return nil }
        // One change at a time: a second one while the first is pending would be decided against
        // seats that are about to change.
        guard pending(at: location.height) == nil, let current = memberships.last?.seats else {
            return TransactionRejection(code: .failedPrecondition, reason: "a membership change is already scheduled")
        }
        let seats: [Int]
        switch request {
        case .admit(let node):
            guard !current.contains(node) else { return TransactionRejection(code: .alreadyExists, reason: "already seated") }
            seats = current + [node]
        case .remove(let node):
            guard current.contains(node), current.count > 4 else { return TransactionRejection(code: .failedPrecondition, reason: "cannot remove") }
            seats = current.filter { $0 != node }
        }
        let earliest = location.height + watermarkWindow + checkpointInterval
        let after = (earliest + checkpointInterval - 1) / checkpointInterval * checkpointInterval
        memberships.append(SimulatedMembership(after: after, seats: seats))
        return nil
    }

    var membershipEnd: UInt64? { pending(at: height).map(\.after) }

    func pending(at height: UInt64) -> SimulatedMembership? {
        memberships.last.flatMap { $0.after > 0 && $0.after >= height ? $0 : nil }
    }

    /// The membership ordering the block at `height`.
    func membership(ordering height: UInt64) -> SimulatedMembership {
        memberships.last { $0.after < height } ?? memberships[0]
    }
}
