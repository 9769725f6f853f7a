import Consensus
import Crypto
import Foundation

/// Fast deterministic signatures for the simulator: SHA-256 over a per-node secret followed by the
/// bytes, a secret that only that node (its signer) and the verifier hold, so a Byzantine node,
/// having its own signer only, cannot sign as another. (A keyed hash, not HMAC: the simulated
/// adversaries never attempt length extension, and a single hash keeps thousands of seeded runs
/// of a debug build fast; signing and checking dominate a run.)
public struct KeyedHashSigner: MessageSigner {
    let key: Data

    public func sign(_ bytes: Data) -> Data { Self.tag(bytes, key: key) }

    static func tag(_ bytes: Data, key: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: key)
        hasher.update(data: bytes)
        return Data(hasher.finalize())
    }
}

public struct KeyedHashVerifier: SignatureVerifier {
    let keys: [Data]

    public var replicaCount: Int { keys.count }

    public func isValid(signature: Data, of bytes: Data, by replica: ReplicaID) -> Bool {
        guard replica.index >= 0, replica.index < keys.count else { return false }
        return KeyedHashSigner.tag(bytes, key: keys[replica.index]) == signature
    }
}

/// The simulated cluster's secrets, derived from the seed.
public struct SimulatedKeys: Sendable {
    let keys: [Data]

    public init(seed: UInt64, nodes: Int) {
        keys = (0..<nodes).map { node in
            var material = Data("gridtrade-sim-node".utf8)
            withUnsafeBytes(of: seed.bigEndian) { material.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(node).bigEndian) { material.append(contentsOf: $0) }
            return Data(SHA256.hash(data: material))
        }
    }

    public func signer(for replica: ReplicaID) -> KeyedHashSigner { KeyedHashSigner(key: keys[replica.index]) }
    public var verifier: KeyedHashVerifier { KeyedHashVerifier(keys: keys) }

    /// Node `node`'s signer, whatever seat it holds.
    func signer(node: Int) -> KeyedHashSigner { KeyedHashSigner(key: keys[node]) }
    /// A membership's verifier: the keys of the nodes in `seats`, in seat order.
    func verifier(seats: [Int]) -> KeyedHashVerifier { KeyedHashVerifier(keys: seats.map { keys[$0] }) }
}

/// Simulated clients: the submitter is an 8-byte client id and the signature a keyed hash under a key
/// derived from it (a stand-in for P-256 that costs microseconds in a debug build).
public struct SimulatedTransactionVerifier: TransactionVerifier {
    public init() {}

    static func key(for submitter: Data) -> Data {
        Data(SHA256.hash(data: Data("gridtrade-sim-client".utf8) + submitter))
    }

    public func problem(_ transaction: Transaction) -> TransactionRejection? {
        KeyedHashSigner.tag(transaction.signingBytes, key: Self.key(for: transaction.submitter)) == transaction.signature ? nil : .invalidSignature
    }

    public static func transaction(client: UInt64, payload: Data) -> Transaction {
        var submitter = Data()
        withUnsafeBytes(of: client.bigEndian) { submitter.append(contentsOf: $0) }
        let signature = KeyedHashSigner.tag(Transaction.signingBytes(payload: payload, submitter: submitter), key: key(for: submitter))
        return Transaction(payload: payload, submitter: submitter, signature: signature)
    }
}
