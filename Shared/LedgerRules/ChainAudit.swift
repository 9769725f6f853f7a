import Consensus
import Crypto
import Foundation

/// Re-checks a stored chain across membership changes: the founders' keys certify the blocks up
/// to the first change's activation height, each later membership (as the chain itself records
/// it, replaying the rules) the blocks after its own. Each stretch is checked by `ChainVerifier`
/// from where the one before it ended.
public enum ChainAudit {
    public static func verify(
        blocks: [CommittedBlock], founders: [P256.Signing.PublicKey], policy: GovernancePolicy
    ) -> Result<ChainSummary, ChainDefect> {
        let seats = DataCenterSeat.founders(keys: founders, endpoints: Array(repeating: "", count: founders.count))
        // Where memberships start, from the transactions alone (no signatures are trusted yet: a
        // forged change would only make the certificates below fail).
        var rules = LedgerRules(policy: policy, founders: seats)
        for block in blocks { _ = rules.apply(certified: block) }
        var anchor = ChainAnchor.genesis
        var checked = 0, transactions = 0
        var remaining = blocks[...]
        for (position, membership) in rules.memberships.enumerated() {
            let end = position + 1 < rules.memberships.count ? rules.memberships[position + 1].after : UInt64.max
            let stretch = remaining.prefix { $0.height <= end }
            remaining = remaining.dropFirst(stretch.count)
            guard !stretch.isEmpty else { continue }
            let keys = membership.seats.compactMap(\.verificationKey)
            switch ChainVerifier.verify(
                blocks: Array(stretch), verifier: P256SignatureVerifier(dataCenterKeys: keys), transactionVerifier: P256TransactionVerifier(), after: anchor
            ) {
            case .failure(let defect): return .failure(defect)
            case .success(let summary):
                checked += summary.blockCount
                transactions += summary.transactionCount
                anchor = ChainAnchor(height: summary.lastHeight, headerHash: summary.lastHeaderHash)
            }
        }
        return .success(ChainSummary(blockCount: checked, lastHeight: anchor.height, lastHeaderHash: anchor.headerHash, transactionCount: transactions))
    }
}
