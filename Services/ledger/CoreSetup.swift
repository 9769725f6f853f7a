import Consensus
import Crypto
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules

/// What the node needs to build a core for any membership. Fixed for the process.
struct CoreSetup: Sendable {
    let key: P256.Signing.PrivateKey
    let consensus: Consensus.Configuration
    let governance: GovernancePolicy
    let founders: [DataCenterSeat]
    let check: LedgerEntryCheck
    let cache: LedgerEntryCache

    /// This data center's key as seats list it.
    var ownKey: String { key.publicKey.x963Representation.base64EncodedString() }

    /// A core for `seating` (which must seat this data center), restored from the stored chain,
    /// read a page at a time, and `records`.
    func restore(_ seating: Seating, records: [PersistedRecord], from store: LedgerStore) async throws -> Replica {
        guard let index = seating.index else { throw LedgerFault.notSeated }
        let keys = seating.seats.compactMap(\.verificationKey)
        // The rules admit no seat without a key, so this holds for any chain they built.
        guard keys.count == seating.seats.count else { throw LedgerFault.seatWithoutKey(after: seating.baseHeight) }
        var configuration = consensus
        configuration.replicaCount = seating.seats.count
        configuration.baseHeight = seating.baseHeight
        if let problem = configuration.problem { throw LedgerFault.configuration(problem) }
        var replica = Replica(
            configuration: configuration, id: ReplicaID(index), signer: P256MessageSigner(privateKey: key),
            verifier: P256SignatureVerifier(dataCenterKeys: keys), transactionVerifier: check,
            rules: LedgerRules(policy: governance, founders: founders, cache: cache)
        )
        try await store.forEachPage { replica.replay(committed: $0) }
        replica.finishRestoring(records: records)
        return replica
    }
}

/// What stops a data center: the group shuts down, logs it, and the process exits non-zero.
enum LedgerFault: Error, CustomStringConvertible {
    case notSeated
    case seatWithoutKey(after: UInt64)
    case configuration(String)

    var description: String {
        switch self {
        case .notSeated: "a core was asked for a membership that does not seat this data center"
        case let .seatWithoutKey(after): "the membership after height \(after) lists a seat without a P-256 key"
        case let .configuration(problem): "the consensus configuration cannot run: \(problem)"
        }
    }
}
