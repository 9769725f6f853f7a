import Bus
import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Logging
import ServiceLifecycle

/// Carries the registry's revocations onto the chain by this data center's vote, as a `Service`:
/// every second, while it holds a seat, it reads the registry's revocation list and submits (to
/// itself, with its own key) what `RevocationRelay` says is due: a yes-vote on the open
/// `revoke_member` proposal for a member the registry revoked and the chain does not, or a
/// proposal when none is open. The rules refuse that member's signatures from the block where
/// the proposal passes, at every data center alike.
struct RevocationRelayLoop: Service {
    let node: LedgerNode
    let trust: LedgerTrust
    let logger: Logger
    static let every: Duration = .seconds(1)
    /// Seat k proposes k × this after first seeing a revocation, unless another's proposal came first.
    static let stagger: UInt64 = 2_000

    func run() async throws {
        try await untilGracefulShutdown { [self] in
            var firstSeen: [String: UInt64] = [:]
            var proposedAt: [String: UInt64] = [:]
            while true {
                try await Task.sleep(for: Self.every)
                guard await node.isSeated else { continue }
                let revoked: Set<String>
                do {
                    revoked = try await trust.revokedMembers()
                } catch {
                    logger.debug("cannot read the registry's revocations yet", metadata: ["error": "\(error)"])
                    continue
                }
                let now = UInt64(clamping: Date().unixMilliseconds)
                for member in revoked where firstSeen[member] == nil { firstSeen[member] = now }
                let steps = node.book.read { rules in
                    RevocationRelay.steps(
                        registryRevoked: revoked, rules: rules, ownKey: node.setup.ownKey, firstSeen: firstSeen, proposedAt: proposedAt,
                        now: now, stagger: Self.stagger
                    )
                }
                for step in steps {
                    if case .propose(let member) = step { proposedAt[member] = now }
                    let transaction = P256TransactionVerifier.sign(payload: step.entry(nonce: "\(now)").encoded(), with: node.setup.key)
                    do {
                        _ = try await LedgerService.submit(SubmitRequest(transaction: transaction, wait: true), to: node, wait: .seconds(10))
                        logger.notice("voted to record a revocation of the registry on the ledger", metadata: ["ledger.step": "\(step)"])
                    } catch {
                        logger.warning("cannot submit a revocation step", metadata: ["ledger.step": "\(step)", "error": "\(error)"])
                    }
                }
            }
        }
    }
}
