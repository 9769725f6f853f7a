import Foundation

/// Signs bytes as this data center. The core only ever signs domain-tagged canonical encodings.
/// Not throwing: a signer that cannot sign (the P-256 one only on allocation failure) leaves
/// the replica nothing useful to do.
public protocol MessageSigner: Sendable {
    func sign(_ bytes: Data) -> Data
}

/// Checks a data center's signature. Replicas outside 0 ..< replicaCount are never valid.
public protocol SignatureVerifier: Sendable {
    var replicaCount: Int { get }
    func isValid(signature: Data, of bytes: Data, by replica: ReplicaID) -> Bool
}

/// Checks a client's transaction before any replica orders it: its signature, and whatever the
/// application can check without the ledger's state (the ledger's contract signatures, say).
public protocol TransactionVerifier: Sendable {
    /// Why the transaction must not be ordered; nil when it may be.
    func problem(_ transaction: Transaction) -> TransactionRejection?
}

extension TransactionVerifier {
    public func isValid(_ transaction: Transaction) -> Bool { problem(transaction) == nil }
}

/// The application's deterministic rules, applied to committed transactions in block order at
/// execution (as etcd's raft leaves applying entries to the application, but before the header is
/// built): a transaction they refuse is left out of the block and its client is told why. Every
/// replica must hold the same rules in the same state, so they may depend only on the chain.
public protocol ExecutionRules: Sendable {
    /// Applies `transaction`, next in order at `location`, or returns why it cannot take effect
    /// (then nothing of it may have been applied, and the next transaction takes its index).
    mutating func apply(_ transaction: Transaction, at location: TransactionLocation) -> TransactionRejection?

    /// The last height the current membership may order, once the rules scheduled a change of
    /// data centers; nil while none is scheduled. The core proposes and accepts nothing above it
    /// (and fills the gap up to it with empty blocks), so that every block up to it is certified
    /// by the old data centers and every later one by the new.
    var membershipEnd: UInt64? { get }
}

extension ExecutionRules {
    public var membershipEnd: UInt64? { nil }
}

/// Rules that take every transaction: consensus alone, payloads opaque.
public struct AcceptAllTransactions: ExecutionRules {
    public init() {}
    public mutating func apply(_ transaction: Transaction, at location: TransactionLocation) -> TransactionRejection? { nil }
}

/// Checks a commit certificate: every signature valid, distinct, from a known replica, at least `quorum` of them.
/// Any bad entry spoils the certificate, because honest replicas only ever put valid signatures in one.
enum CertificateCheck {
    static func problem(_ certificate: CommitCertificate, quorum: Int, verifier: any SignatureVerifier) -> CertificateProblem? {
        var seen = Set<ReplicaID>()
        let bytes = BlockHeader.signingBytes(certificate.headerHash)
        for entry in certificate.signatures {
            guard entry.replica.index >= 0, entry.replica.index < verifier.replicaCount else { return .unknownSigner(entry.replica) }
            guard seen.insert(entry.replica).inserted else { return .duplicateSigner(entry.replica) }
            guard verifier.isValid(signature: entry.signature, of: bytes, by: entry.replica) else { return .invalidSignature(entry.replica) }
        }
        return seen.count >= quorum ? nil : .tooFewSignatures(found: seen.count, required: quorum)
    }
}

/// Why a commit certificate is not one.
public enum CertificateProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    case unknownSigner(ReplicaID)
    case duplicateSigner(ReplicaID)
    case invalidSignature(ReplicaID)
    case tooFewSignatures(found: Int, required: Int)

    public var description: String {
        switch self {
        case .unknownSigner(let replica): "signature by unknown data center \(replica.index)"
        case .duplicateSigner(let replica): "data center \(replica.index) signed twice"
        case .invalidSignature(let replica): "invalid signature by data center \(replica.index)"
        case .tooFewSignatures(let found, let required): "\(found) valid signatures, \(required) required"
        }
    }
}
