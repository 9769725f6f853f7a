import Consensus
import Contracts
import Crypto
import Foundation
import Synchronization

/// Decoded ledger entries by transaction id, shared by a data center's pre-order check, its core's
/// rules and its shell's copy of them, so a contract's JSON is decoded once per data center
/// rather than once by each. The id covers the payload, so a cached entry is the payload's.
/// It also remembers which submitter signatures verified (`Ledger/Submit` checks one before it
/// counts the transaction against its submitter's limits, and the core would check it again) and
/// what certificates say. Nothing in it ever changes an outcome: each entry is a pure function of
/// the bytes it is keyed by.
public final class LedgerEntryCache: Sendable {
    private let entries = Mutex<[TransactionID: LedgerEntry]>([:])
    /// Contract documents the pre-order check decoded, by the id of the transaction carrying them.
    private let documents = Mutex<[TransactionID: ContractDocument]>([:])
    /// Transactions whose submitter signature verified, with that signature (a copy signed again is the same id).
    private let signed = Mutex<[TransactionID: Data]>([:])
    /// Certificates read, by the SHA-256 of their base64 text.
    private let facts = Mutex<[Data: CertificateFacts]>([:])
    /// Note certificates the CA's signature was checked on, by the same key.
    private let issued = Mutex<Set<Data>>([])
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

    /// Whether the submitter's signature verifies, checked once per (id, signature).
    public func isSigned(_ transaction: Transaction) -> Bool {
        if signed.withLock({ $0[transaction.id] }) == transaction.signature { return true }
        guard P256TransactionVerifier.isSigned(transaction) else { return false }
        signed.withLock { signed in
            if signed.count >= capacity { signed.removeAll(keepingCapacity: true) }
            signed[transaction.id] = transaction.signature
        }
        return true
    }

    /// What a certificate (base64 DER) says, read once.
    public func facts(of certificate: String) throws(ContractProblem) -> CertificateFacts {
        let key = Self.key(certificate)
        if let cached = facts.withLock({ $0[key] }) { return cached }
        let read = try CertificateFacts.read(base64: certificate)
        facts.withLock { facts in
            if facts.count >= 10_000 { facts.removeAll(keepingCapacity: true) }
            facts[key] = read
        }
        return read
    }

    /// Runs `check` (that the CA issued a note's certificate: one signature verification) once per
    /// certificate; a certificate it passed before is remembered. (A process trusts one CA.)
    func checkOnce(_ certificate: String, _ check: () throws(ContractProblem) -> Void) throws(ContractProblem) {
        let key = Self.key(certificate)
        if issued.withLock({ $0.contains(key) }) { return }
        try check()
        issued.withLock { issued in
            if issued.count >= 10_000 { issued.removeAll(keepingCapacity: true) }
            issued.insert(key)
        }
    }

    /// Entries in each of the cache's maps (each holds at most its capacity).
    public var counts: [(name: String, value: Int)] {
        [
            ("entries", entries.withLock { $0.count }), ("documents", documents.withLock { $0.count }), ("signed", signed.withLock { $0.count }),
            ("facts", facts.withLock { $0.count }), ("issued", issued.withLock { $0.count }),
        ]
    }

    /// Once the shell's copy applied it, nothing asks again (a restart decodes afresh).
    public func forget(_ id: TransactionID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
        _ = documents.withLock { $0.removeValue(forKey: id) }
        _ = signed.withLock { $0.removeValue(forKey: id) }
    }

    private static func key(_ certificate: String) -> Data { Data(SHA256.hash(data: Data(certificate.utf8))) }
}
