import Consensus
import Contracts
import Synchronization

/// Decoded ledger entries by transaction id, shared by a data center's pre-order check, its core's
/// rules and its shell's copy of them, so a contract's JSON is decoded once per data center
/// rather than once by each. The id covers the payload, so a cached entry is the payload's.
public final class LedgerEntryCache: Sendable {
    private let entries = Mutex<[TransactionID: LedgerEntry]>([:])
    /// Contract documents the pre-order check decoded, by the id of the transaction carrying them.
    private let documents = Mutex<[TransactionID: ContractDocument]>([:])
    private let capacity: Int

    /// About 10 KB an entry for contracts: the default bounds the cache near 200 MB even if
    /// nothing were ever forgotten; in-flight entries are at most a watermark window of batches.
    public init(capacity: Int = 20_000) { self.capacity = capacity }

    public func entry(of transaction: Transaction) throws(ContractProblem) -> LedgerEntry? {
        if let cached = entries.withLock({ $0[transaction.id] }) { return cached }
        guard let entry = try LedgerEntry.decode(transaction.payload) else { return nil }
        entries.withLock { entries in
            // Entries are needed from the check before ordering to the certified block: a short while.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[transaction.id] = entry
        }
        return entry
    }

    /// The document of the contract `transaction` carries, decoded once.
    public func document(of contract: SignedContract, in transaction: Transaction) throws(ContractProblem) -> ContractDocument {
        if let cached = documents.withLock({ $0[transaction.id] }) { return cached }
        let document = try ContractSigning.document(of: contract)
        remember(document, for: transaction.id)
        return document
    }

    public func remember(_ document: ContractDocument, for id: TransactionID) {
        documents.withLock { documents in
            if documents.count >= capacity { documents.removeAll(keepingCapacity: true) }
            documents[id] = document
        }
    }

    /// Once the shell's copy applied it, nothing asks again (a restart decodes afresh).
    public func forget(_ id: TransactionID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
        _ = documents.withLock { $0.removeValue(forKey: id) }
    }
}
