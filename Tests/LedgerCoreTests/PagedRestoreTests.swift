import Consensus
import Crypto
import Foundation
import LedgerCore
import LedgerRules
import Testing

@Suite("A restart reads the chain a page at a time")
struct PagedRestoreTests {
    @Test("a core fed the chain page by page, then its log, is the core restored from both at once")
    func pagedEqualsWhole() throws {
        let centers = DataCenters(count: 4)
        var configuration = Consensus.Configuration(replicaCount: 4)
        configuration.checkpointInterval = 4
        var chain = ChainBuilder()
        for height in 1...11 { chain.append([Entries.note("block \(height)", by: centers.keys[0]), Entries.note("more \(height)", by: centers.keys[2])], by: centers, signers: [0, 2, 3]) }
        let waiting = [Entries.note("waiting"), Entries.note("also waiting")]
        let records: [PersistedRecord] = [
            .snapshot(Snapshot(view: 2, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: [waiting[0]])),
            .transaction(waiting[1]),
        ]
        func replica() -> Replica {
            Replica(
                configuration: configuration, id: ReplicaID(1), signer: P256MessageSigner(privateKey: centers.keys[1]),
                verifier: P256SignatureVerifier(dataCenterKeys: centers.keys.map(\.publicKey)), transactionVerifier: P256TransactionVerifier(),
                rules: LedgerRules(policy: GovernancePolicy(checkpointInterval: 4), founders: centers.seats)
            )
        }
        let whole = Replica(
            configuration: configuration, id: ReplicaID(1), signer: P256MessageSigner(privateKey: centers.keys[1]),
            verifier: P256SignatureVerifier(dataCenterKeys: centers.keys.map(\.publicKey)), transactionVerifier: P256TransactionVerifier(),
            rules: LedgerRules(policy: GovernancePolicy(checkpointInterval: 4), founders: centers.seats), restoring: records, committedBlocks: chain.blocks
        )
        var paged = replica()
        for page in stride(from: 0, to: chain.blocks.count, by: 3).map({ Array(chain.blocks[$0..<min($0 + 3, chain.blocks.count)]) }) {
            paged.replay(committed: page)
        }
        paged.finishRestoring(records: records)
        #expect(paged.description == whole.description)
        #expect(paged.executedHeight == 11 && paged.certifiedHeight == 11 && paged.view == 2)
        #expect(paged.waitingTransactions == whole.waitingTransactions && paged.waitingTransactions == waiting)
        #expect((paged.rules as? LedgerRules)?.notes == 22 && (whole.rules as? LedgerRules)?.notes == 22)
        // Both take a transaction of the chain as already ordered, and a new one as new.
        var (first, second) = (paged, whole)
        let again = chain.blocks[4].block.transactions[0]
        #expect(first.handle(.submit(again)) == second.handle(.submit(again)))
    }
}
