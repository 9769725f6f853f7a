import Crypto
import Foundation

/// A data center's P-256 key signing consensus messages and header hashes (ECDSA over SHA-256, DER signatures).
public struct P256MessageSigner: MessageSigner {
    private let privateKey: P256.Signing.PrivateKey

    public init(privateKey: P256.Signing.PrivateKey) { self.privateKey = privateKey }

    public func sign(_ bytes: Data) -> Data {
        // swift-crypto fails only when BoringSSL cannot allocate; no replica can go on from that.
        guard let signature = try? privateKey.signature(for: bytes) else { preconditionFailure("P-256 signing failed") }
        return signature.derRepresentation
    }
}

/// Checks data-center signatures against the cluster's public keys, indexed by replica.
public struct P256SignatureVerifier: SignatureVerifier {
    public let dataCenterKeys: [P256.Signing.PublicKey]

    public init(dataCenterKeys: [P256.Signing.PublicKey]) { self.dataCenterKeys = dataCenterKeys }

    public var replicaCount: Int { dataCenterKeys.count }

    public func isValid(signature: Data, of bytes: Data, by replica: ReplicaID) -> Bool {
        guard replica.index >= 0, replica.index < dataCenterKeys.count,
              let decoded = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
        return dataCenterKeys[replica.index].isValidSignature(decoded, for: bytes)
    }
}

/// Client transactions signed with P-256: `submitter` is the x9.63 uncompressed public key (65 bytes,
/// 0x04 || X || Y); `signature` is DER ECDSA over SHA-256 of `Transaction.signingBytes`.
public struct P256TransactionVerifier: TransactionVerifier {
    public init() {}

    public func problem(_ transaction: Transaction) -> TransactionRejection? {
        Self.isSigned(transaction) ? nil : .invalidSignature
    }

    public static func isSigned(_ transaction: Transaction) -> Bool {
        guard let key = try? P256.Signing.PublicKey(x963Representation: transaction.submitter),
              let signature = try? P256.Signing.ECDSASignature(derRepresentation: transaction.signature) else { return false }
        return key.isValidSignature(signature, for: transaction.signingBytes)
    }

    /// How a client makes a transaction the verifier accepts.
    public static func sign(payload: Data, with key: P256.Signing.PrivateKey) -> Transaction {
        let submitter = key.publicKey.x963Representation
        let bytes = Transaction.signingBytes(payload: payload, submitter: submitter)
        guard let signature = try? key.signature(for: bytes) else { preconditionFailure("P-256 signing failed") }
        return Transaction(payload: payload, submitter: submitter, signature: signature.derRepresentation)
    }
}
