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

/// Checks a client's signature on a transaction before any replica orders it.
public protocol TransactionVerifier: Sendable {
    func isValid(_ transaction: Transaction) -> Bool
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
