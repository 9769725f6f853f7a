import Consensus
import LedgerRules

/// How the trading center's revocations reach the ledger's rules: by the data centers' vote.
///
/// The rules refuse a revoked member's signatures only once the chain records the revocation (a
/// passed `revoke_member` proposal), so every data center applies it at the same height. Each data
/// center follows the registry's revocation list; for a member the registry revoked and the chain
/// does not, it votes yes on the open `revoke_member` proposal for that member, or, when none is
/// open, proposes one. Seat k waits k × `stagger` before proposing, so the first seat's proposal
/// is usually the only one and the others vote on it. The revocation takes effect when the ratio
/// of the electorate has voted yes: when that many data centers have seen it in the registry. A
/// data center never votes yes on a revocation its own registry feed does not list.
public enum RevocationRelay {
    /// What to submit, with this data center's key.
    public enum Step: Sendable, Equatable {
        case propose(member: String)
        case vote(proposalID: String)

        /// The entry to submit; `nonce` makes a proposal made again (after its window closed) a new transaction.
        public func entry(nonce: String) -> LedgerEntry {
            switch self {
            case let .propose(member):
                .proposal(Proposal(action: .revokeMember(memberId: member), reason: "revoked by the trading center in the registry", nonce: nonce))
            case let .vote(proposal): .vote(Vote(proposalId: proposal, approve: true))
            }
        }
    }

    /// How long a data center waits for its own proposal to appear on the chain before proposing again.
    public static let retry: UInt64 = 30_000

    /// The steps due now. `registryRevoked`: the members the registry lists as revoked;
    /// `firstSeen`: when this data center first saw each of them there; `proposedAt`: when it last
    /// proposed each; `rules`: the recorded state at the certified tip; times in ms.
    public static func steps(
        registryRevoked: Set<String>, rules: LedgerRules, ownKey: String, firstSeen: [String: UInt64], proposedAt: [String: UInt64],
        now: UInt64, stagger: UInt64
    ) -> [Step] {
        let next = rules.height + 1
        let seats = rules.seats(at: next)
        guard let position = seats.firstIndex(where: { $0.publicKey == ownKey }) else { return [] }
        let name = seats[position].name
        var steps: [Step] = []
        for member in registryRevoked.sorted() where !rules.revoked.contains(member) {
            let open = rules.proposalList(fromHeight: 0).filter { record in
                record.status == .open && record.proposal.action == .revokeMember(memberId: member)
                    && next <= record.openedAt + rules.policy.votingWindow
            }
            for record in open where !record.votes.contains(where: { $0.dataCenter == name })
                && rules.seats(at: record.openedAt).contains(where: { $0.publicKey == ownKey }) {
                steps.append(.vote(proposalID: record.proposalId))
            }
            guard open.isEmpty else { continue }
            let due = (firstSeen[member] ?? now) + UInt64(position) * stagger
            let retried = proposedAt[member].map { now >= $0 + retry } ?? true
            if now >= due, retried { steps.append(.propose(member: member)) }
        }
        return steps
    }
}
