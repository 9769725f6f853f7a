import Consensus
import Crypto
import Foundation

/// Fast deterministic signatures for the simulator: HMAC-SHA256 under a per-node secret that only that node
/// (its signer) and the verifier hold. A Byzantine node has its own signer only, so it cannot sign as another.
public struct HMACSigner: MessageSigner {
    let key: SymmetricKey

    public func sign(_ bytes: Data) -> Data { Data(HMAC<SHA256>.authenticationCode(for: bytes, using: key)) }
}

public struct HMACVerifier: SignatureVerifier {
    let keys: [SymmetricKey]

    public var replicaCount: Int { keys.count }

    public func isValid(signature: Data, of bytes: Data, by replica: ReplicaID) -> Bool {
        guard replica.index >= 0, replica.index < keys.count else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: bytes, using: keys[replica.index])
    }
}

/// The simulated cluster's secrets, derived from the seed.
public struct SimulatedKeys: Sendable {
    let keys: [SymmetricKey]

    public init(seed: UInt64, nodes: Int) {
        keys = (0..<nodes).map { node in
            var material = Data("gridtrade-sim-node".utf8)
            withUnsafeBytes(of: seed.bigEndian) { material.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(node).bigEndian) { material.append(contentsOf: $0) }
            return SymmetricKey(data: SHA256.hash(data: material))
        }
    }

    public func signer(for replica: ReplicaID) -> HMACSigner { HMACSigner(key: keys[replica.index]) }
    public var verifier: HMACVerifier { HMACVerifier(keys: keys) }
}

/// Simulated clients: the submitter is an 8-byte client id and the signature an HMAC under a key derived
/// from it (a stand-in for P-256 that costs microseconds in a debug build).
public struct SimulatedTransactionVerifier: TransactionVerifier {
    public init() {}

    static func key(for submitter: Data) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data("gridtrade-sim-client".utf8) + submitter))
    }

    public func problem(_ transaction: Transaction) -> TransactionRejection? {
        HMAC<SHA256>.isValidAuthenticationCode(transaction.signature, authenticating: transaction.signingBytes, using: Self.key(for: transaction.submitter))
            ? nil : .invalidSignature
    }

    public static func transaction(client: UInt64, payload: Data) -> Transaction {
        var submitter = Data()
        withUnsafeBytes(of: client.bigEndian) { submitter.append(contentsOf: $0) }
        let signature = HMAC<SHA256>.authenticationCode(for: Transaction.signingBytes(payload: payload, submitter: submitter), using: key(for: submitter))
        return Transaction(payload: payload, submitter: submitter, signature: Data(signature))
    }
}
