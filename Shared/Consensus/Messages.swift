import Foundation

/// The primary's proposal of `batch` at `sequence` in `view`.
public struct PrePrepare: Sendable, Hashable, Codable {
    public let view: UInt64
    public let sequence: UInt64
    public let batch: Batch

    public init(view: UInt64, sequence: UInt64, batch: Batch) {
        self.view = view
        self.sequence = sequence
        self.batch = batch
    }
}

/// A prepare or commit vote for the batch with `digest` at (`view`, `sequence`).
public struct Vote: Sendable, Hashable, Codable {
    public let view: UInt64
    public let sequence: UInt64
    public let digest: Hash256

    public init(view: UInt64, sequence: UInt64, digest: Hash256) {
        self.view = view
        self.sequence = sequence
        self.digest = digest
    }
}

/// A replica's signature over the header it built when it executed `height`; 2f+1 of them make the
/// block's commit certificate. `signature` is over `BlockHeader.signingBytes(headerHash)`.
public struct HeaderVote: Sendable, Hashable, Codable {
    public let height: UInt64
    public let headerHash: Hash256
    public let signature: Data

    public init(height: UInt64, headerHash: Hash256, signature: Data) {
        self.height = height
        self.headerHash = headerHash
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case height, signature
        case headerHash = "header_hash"
    }
}

/// A pre-prepare and 2f prepares from distinct backups for the same (view, sequence, digest).
public struct PreparedCertificate: Sendable, Hashable, Codable {
    public let prePrepare: SignedMessage
    public let prepares: [SignedMessage]

    public init(prePrepare: SignedMessage, prepares: [SignedMessage]) {
        self.prePrepare = prePrepare
        self.prepares = prepares
    }

    /// The proposal inside, if `prePrepare` is one.
    public var proposal: PrePrepare? {
        if case .prePrepare(let proposal) = prePrepare.message { return proposal }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case prepares
        case prePrepare = "pre_prepare"
    }
}

/// A replica leaving its view for `newView`, with its last stable checkpoint and what it had prepared above it.
public struct ViewChange: Sendable, Hashable, Codable {
    public let newView: UInt64
    public let checkpoint: CheckpointProof?
    /// At most one per sequence number (the highest view), all above the checkpoint.
    public let prepared: [PreparedCertificate]

    public init(newView: UInt64, checkpoint: CheckpointProof?, prepared: [PreparedCertificate]) {
        self.newView = newView
        self.checkpoint = checkpoint
        self.prepared = prepared
    }

    public var checkpointHeight: UInt64 { checkpoint?.height ?? 0 }

    enum CodingKeys: String, CodingKey {
        case checkpoint, prepared
        case newView = "new_view"
    }
}

/// The new primary's proof that `view` starts: 2f+1 view changes and the pre-prepares they imply.
public struct NewView: Sendable, Hashable, Codable {
    public let view: UInt64
    public let viewChanges: [SignedMessage]
    /// For every sequence above the highest checkpoint up to the highest prepared one, in order.
    public let prePrepares: [SignedMessage]

    public init(view: UInt64, viewChanges: [SignedMessage], prePrepares: [SignedMessage]) {
        self.view = view
        self.viewChanges = viewChanges
        self.prePrepares = prePrepares
    }

    enum CodingKeys: String, CodingKey {
        case view
        case viewChanges = "view_changes"
        case prePrepares = "pre_prepares"
    }
}

/// Sent every `statusInterval`: peers answer with what the sender lacks (retransmission, state transfer).
public struct Status: Sendable, Hashable, Codable {
    public let view: UInt64
    public let viewActive: Bool
    public let executedHeight: UInt64
    public let certifiedHeight: UInt64

    public init(view: UInt64, viewActive: Bool, executedHeight: UInt64, certifiedHeight: UInt64) {
        self.view = view
        self.viewActive = viewActive
        self.executedHeight = executedHeight
        self.certifiedHeight = certifiedHeight
    }

    enum CodingKeys: String, CodingKey {
        case view
        case viewActive = "view_active"
        case executedHeight = "executed_height"
        case certifiedHeight = "certified_height"
    }
}

/// Heights `from` through `through`, inclusive.
public struct BlockRange: Sendable, Hashable, Codable {
    public let from: UInt64
    public let through: UInt64

    public init(from: UInt64, through: UInt64) {
        self.from = from
        self.through = through
    }
}

/// Everything data centers say to each other.
public enum Message: Sendable, Hashable, Codable {
    /// A client transaction forwarded by the data center that received it.
    case request(Transaction)
    case prePrepare(PrePrepare)
    case prepare(Vote)
    case commit(Vote)
    case headerVote(HeaderVote)
    case viewChange(ViewChange)
    case newView(NewView)
    case status(Status)
    /// State transfer: "send me these committed blocks with their certificates".
    case fetchBlocks(BlockRange)
    case blocks([CommittedBlock])
}

/// A message with its sender and the sender's signature over `signingBytes(domain:)`.
/// The sender is authenticated by the signature alone, so a signed message may be relayed by anyone.
public struct SignedMessage: Sendable, Hashable, Codable {
    public let sender: ReplicaID
    public let message: Message
    public let signature: Data

    public init(sender: ReplicaID, message: Message, signature: Data) {
        self.sender = sender
        self.message = message
        self.signature = signature
    }

    /// What the signature covers. A message bound to its membership (`SigningDomain`):
    /// "GRIDTRADE-PBFT-V2" 0x00, u64 membership base height, u32 sender, the message's canonical
    /// encoding. Status and state transfer, and any message in the test-only unbound domain:
    /// "GRIDTRADE-PBFT-V1" 0x00, u32 sender, the message's canonical encoding.
    public static func signingBytes(sender: ReplicaID, message: Message, domain: SigningDomain) -> Data {
        var encoder = CanonicalEncoder()
        if message.isBoundToMembership, let base = domain.membershipBase {
            encoder.tag("GRIDTRADE-PBFT-V2")
            encoder.u64(base)
        } else {
            encoder.tag("GRIDTRADE-PBFT-V1")
        }
        encoder.u32(UInt32(truncatingIfNeeded: sender.index))
        message.encode(to: &encoder)
        return encoder.data
    }

    public func signingBytes(domain: SigningDomain) -> Data { Self.signingBytes(sender: sender, message: message, domain: domain) }

    public static func signed(_ message: Message, by sender: ReplicaID, with signer: any MessageSigner, domain: SigningDomain) -> SignedMessage {
        SignedMessage(sender: sender, message: message, signature: signer.sign(signingBytes(sender: sender, message: message, domain: domain)))
    }

    /// Signed by `sender`'s key in the membership `domain` names (for the kinds bound to it).
    public func isAuthentic(_ verifier: any SignatureVerifier, domain: SigningDomain) -> Bool {
        guard sender.index >= 0, sender.index < verifier.replicaCount else { return false }
        return verifier.isValid(signature: signature, of: signingBytes(domain: domain), by: sender)
    }
}
