/// A cluster's consensus parameters; every data center must run with the same ones.
/// Times are in milliseconds of the clock the shell feeds through `Input.tick`.
public struct Configuration: Sendable, Hashable, Codable {
    /// n = 3f + 1 data centers (4 and 7 are the supported sizes; any n >= 4 works).
    public var replicaCount: Int
    /// K: a block whose height is a multiple of K is a stable checkpoint once certified; the log below it is dropped.
    public var checkpointInterval: UInt64
    /// Sequence numbers accepted above the low watermark (the last stable checkpoint): the pipeline depth.
    public var watermarkWindow: UInt64
    /// Most transactions in one batch (one block).
    public var maxBatchSize: Int
    /// How long the primary waits for a batch to fill before proposing what it has.
    public var batchDelay: UInt64
    /// A transaction known for this long in one view without being executed starts a view change;
    /// also how long a view change waits for its new-view before trying the next view (doubling each try).
    public var viewChangeTimeout: UInt64
    /// How often a replica announces its status, which drives retransmission and state transfer.
    public var statusInterval: UInt64
    /// A fresh pre-prepare whose timestamp is further than this from the replica's own clock is refused.
    public var maxClockSkew: UInt64
    /// Most blocks in one state-transfer reply.
    public var maxBlocksPerFetch: Int
    /// The last height ordered by an earlier membership (0 for the founding one): this membership
    /// orders from `baseHeight + 1`, and blocks at or below it were certified by others' keys.
    public var baseHeight: UInt64
    /// TEST ONLY. Replaces the 2f+1 quorum everywhere in the core. It exists only so the tests can show
    /// that the simulator's safety checker catches a broken protocol; never set it in a deployment.
    public var unsafeQuorum: Int?
    /// TEST ONLY. Signs and checks every consensus message without naming the membership (as the core
    /// did before messages were bound to it), so that the tests can show the simulator catching a
    /// view change or new-view replayed from an earlier membership. Never set it in a deployment.
    public var unsafeUnboundMessages: Bool

    public init(
        replicaCount: Int = 4,
        checkpointInterval: UInt64 = 16,
        watermarkWindow: UInt64 = 64,
        maxBatchSize: Int = 256,
        batchDelay: UInt64 = 20,
        viewChangeTimeout: UInt64 = 2_000,
        statusInterval: UInt64 = 200,
        maxClockSkew: UInt64 = 5_000,
        maxBlocksPerFetch: Int = 32,
        baseHeight: UInt64 = 0,
        unsafeQuorum: Int? = nil,
        unsafeUnboundMessages: Bool = false
    ) {
        self.replicaCount = replicaCount
        self.checkpointInterval = checkpointInterval
        self.watermarkWindow = watermarkWindow
        self.maxBatchSize = maxBatchSize
        self.batchDelay = batchDelay
        self.viewChangeTimeout = viewChangeTimeout
        self.statusInterval = statusInterval
        self.maxClockSkew = maxClockSkew
        self.maxBlocksPerFetch = maxBlocksPerFetch
        self.baseHeight = baseHeight
        self.unsafeQuorum = unsafeQuorum
        self.unsafeUnboundMessages = unsafeUnboundMessages
    }

    /// The membership this configuration's signatures name: its base height (see `SigningDomain`).
    public var signingDomain: SigningDomain { unsafeUnboundMessages ? .unbound : SigningDomain(membershipBase: baseHeight) }

    /// Byzantine faults tolerated.
    public var f: Int { (replicaCount - 1) / 3 }

    /// 2f + 1 when n = 3f + 1, unless the test-only override is set.
    public var quorum: Int { unsafeQuorum ?? Self.quorum(of: replicaCount) }

    /// The smallest quorum any two of which share f + 1 replicas, so at least one correct one:
    /// ceil((n + f + 1) / 2). That is 2f + 1 for n = 3f + 1 (4, 7, ...), and more than 2f + 1
    /// between those sizes (4 of 5, 4 of 6), which a membership change by vote can produce.
    public static func quorum(of replicaCount: Int) -> Int {
        let f = (replicaCount - 1) / 3
        return (replicaCount + f + 2) / 2
    }

    public func primary(of view: UInt64) -> ReplicaID { ReplicaID(Int(view % UInt64(replicaCount))) }

    public var replicas: [ReplicaID] { (0..<replicaCount).map { ReplicaID($0) } }

    /// Why this configuration cannot run, if it cannot.
    public var problem: String? {
        if replicaCount < 4 { return "at least 4 data centers are needed (n = 3f + 1 with f >= 1)" }
        if checkpointInterval == 0 { return "the checkpoint interval must be positive" }
        if watermarkWindow < 2 * checkpointInterval { return "the watermark window must be at least twice the checkpoint interval" }
        if maxBatchSize < 1 { return "batches must hold at least one transaction" }
        if viewChangeTimeout == 0 || statusInterval == 0 { return "timeouts must be positive" }
        if maxBlocksPerFetch < 1 { return "a fetch must carry at least one block" }
        if baseHeight % checkpointInterval != 0 { return "a membership starts after a checkpoint (a multiple of the checkpoint interval)" }
        return nil
    }
}
