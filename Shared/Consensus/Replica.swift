/// One data center's PBFT core (Castro & Liskov, with signatures), as a pure state machine:
/// `handle` takes an input and returns the actions the shell must carry out, in order.
/// No I/O, clock, randomness or threads: two replicas fed the same inputs return the same actions
/// (given deterministic signers).
///
/// Ordering: PBFT orders batches by sequence number (pre-prepare, prepare, commit; up to
/// `watermarkWindow` sequence numbers in flight). A replica executes sequence n only after n - 1:
/// it builds header n from batch n and header n - 1, signs the header hash and broadcasts the
/// signature; 2f+1 matching signatures are block n's commit certificate (and, every K blocks, the
/// stable checkpoint that truncates the log). Headers never wait for consensus on their
/// predecessor, which is what lets the pipeline run ahead.
public struct Replica: Sendable {
    public let configuration: Configuration
    public let id: ReplicaID
    let signer: any MessageSigner
    let verifier: any SignatureVerifier
    let transactionVerifier: any TransactionVerifier
    /// The application's rules, in the state of the executed chain.
    public internal(set) var rules: any ExecutionRules
    /// Cached: used on every vote.
    let quorum: Int

    // Clock
    var now: UInt64 = 0
    var started = false
    var lastStatusSent: UInt64 = 0
    var lastAnnouncedFloor: UInt64 = 0

    // View
    public internal(set) var view: UInt64 = 0
    public internal(set) var viewActive = true
    var viewActivatedAt: UInt64 = 0
    var ownViewChange: SignedMessage?
    var installedNewView: SignedMessage?
    /// When `installedNewView` was last sent to each peer still in an earlier view (at most n entries).
    var newViewSentAt: [ReplicaID: UInt64] = [:]
    /// View changes received for views at or above the current one, by view and sender: at most
    /// `maxViewChangesKept` (each sender's up to `viewChangeHorizon` views ahead, and its highest).
    var viewChanges: [UInt64: [ReplicaID: SignedMessage]] = [:]
    /// Set once 2f+1 view changes for the current (pending) view are known: when to give up on it.
    var newViewDeadline: UInt64?
    /// View changes since the last executed block: the timeout doubles with each.
    var failedViews = 0

    // Log
    var log: [UInt64: LogEntry] = [:]
    var nextSequence: UInt64 = 1
    var lastProposalTimestamp: UInt64 = 0
    var proposalsInView: UInt64 = 0
    /// When `propose` last looked for a batch, and how many transactions were waiting then.
    var lastProposalCheck: (time: UInt64, pending: Int) = (.max, 0)
    /// Transactions in this view's pre-prepares not executed yet (not to be proposed again by this primary).
    var proposed: Set<TransactionID> = []

    // Execution and certification
    public internal(set) var executedHeight: UInt64 = 0
    /// When a block was last executed: with a membership change pending, no progress means the primary is stuck.
    var lastExecutedTime: UInt64 = 0
    var executedHeaderHash = Hash256.zero
    var executedTimestamp: UInt64 = 0
    /// Executed blocks waiting for their certificate.
    var uncertified: [UInt64: Block] = [:]
    /// When each of those was executed: one left uncertified for a timeout also means the view is stuck.
    var executedAt: [UInt64: UInt64] = [:]
    var headerVotes: [UInt64: [ReplicaID: HeaderVote]] = [:]
    var ownHeaderVotes: [UInt64: SignedMessage] = [:]
    public internal(set) var certifiedHeight: UInt64 = 0
    var certifiedHeaderHash = Hash256.zero
    var stableCheckpoint: CheckpointProof?

    // Transactions
    var pending: [TransactionID: PendingTransaction] = [:]
    var arrivals: UInt64 = 0
    /// Executed transactions of the last `executedWindow` heights: de-duplication (a transaction is
    /// ordered at most once; the shell keeps older ones out) and client answers.
    var executedTransactions: [TransactionID: TransactionLocation] = [:]
    /// The ids of `executedTransactions` by height, to forget them as their block leaves the window.
    var executedIDs: [UInt64: [TransactionID]] = [:]

    // Peers
    var peerStatus: [ReplicaID: Status] = [:]
    var fetching: (peer: ReplicaID, until: UInt64)?
    /// Peers whose last answer to a fetch was late or useless.
    var unhelpful: Set<ReplicaID> = []

    var outbox: [Action] = []

    /// A replica from scratch (`restoring` empty) or after a restart: `restoring` is every persisted
    /// record in the order written (from the last snapshot on is enough), `committedBlocks` the
    /// stored chain from height 1 (it rebuilds the tip and the set of executed transactions).
    public init(
        configuration: Configuration,
        id: ReplicaID,
        signer: any MessageSigner,
        verifier: any SignatureVerifier,
        transactionVerifier: any TransactionVerifier,
        rules: any ExecutionRules = AcceptAllTransactions(),
        restoring records: [PersistedRecord] = [],
        committedBlocks: [CommittedBlock] = []
    ) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        precondition(verifier.replicaCount == configuration.replicaCount, "one verification key per data center")
        self.configuration = configuration
        self.id = id
        self.signer = signer
        self.verifier = verifier
        self.transactionVerifier = transactionVerifier
        self.rules = rules
        quorum = configuration.quorum
        restore(records: records, blocks: committedBlocks)
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .tick(let time): tick(time)
        case .submit(let transaction): submit(transaction)
        case .message(let message): receive(message)
        case .blocksLoaded(let peer, let blocks): serve(blocks, to: peer)
        }
        defer { outbox = [] }
        return outbox
    }

    public var primary: ReplicaID { configuration.primary(of: view) }
    public var isPrimary: Bool { primary == id }
    var lowWatermark: UInt64 { max(stableCheckpoint?.height ?? 0, configuration.baseHeight) }
    var highWatermark: UInt64 { lowWatermark + configuration.watermarkWindow }
    /// The highest sequence number this replica may propose or accept now.
    var orderingLimit: UInt64 { min(highWatermark, membershipEnd ?? .max) }
    /// The rules' scheduled end of this membership; an end at or below `baseHeight` is the one
    /// that started this membership, not a new one.
    var membershipEnd: UInt64? { rules.membershipEnd.flatMap { $0 > configuration.baseHeight ? $0 : nil } }

    /// Transactions submitted to this replica and not yet executed: the shell hands them to the
    /// replica of the next membership.
    public var waitingTransactions: [Transaction] {
        pending.values.filter(\.local).sorted { $0.arrival < $1.arrival }.map(\.transaction)
    }
    var f: Int { configuration.f }

    /// The view-change timeout after `failedViews` consecutive view changes: doubling, at most 16 times the base.
    var currentTimeout: UInt64 { configuration.viewChangeTimeout << UInt64(min(failedViews, 4)) }

    // MARK: Outgoing

    /// Signed in this membership (`SigningDomain`): what it signs means nothing to another membership.
    func sign(_ message: Message) -> SignedMessage { SignedMessage.signed(message, by: id, with: signer, domain: configuration.signingDomain) }

    mutating func broadcast(_ message: SignedMessage) { outbox.append(.broadcast(message)) }
    mutating func send(_ message: SignedMessage, to peer: ReplicaID) {
        guard peer != id else { return }
        outbox.append(.send(to: peer, message))
    }
    mutating func persist(_ record: PersistedRecord) { outbox.append(.persist(record)) }

    // MARK: Incoming

    mutating func receive(_ message: SignedMessage) {
        // A relayed client transaction is checked by its client's signature (in receiveRequest), not a data center's.
        if case .request(let transaction) = message.message {
            if message.sender != id { receiveRequest(transaction) }
            return
        }
        // Identity and signature before anything else; the signature names the membership, so a message
        // signed in another one is refused here, whoever relays it (`Ledger/Deliver` takes any connection).
        guard message.sender != id, message.isAuthentic(verifier, domain: configuration.signingDomain) else { return }
        let sender = message.sender
        switch message.message {
        case .request: break  // taken before the signature check
        case .prePrepare(let proposal): receivePrePrepare(proposal, message)
        case .prepare(let vote): receivePrepare(vote, message)
        case .commit(let vote): receiveCommit(vote, from: sender)
        case .headerVote(let vote): receiveHeaderVote(vote, from: sender)
        case .viewChange(let change): receiveViewChange(change, message)
        case .newView(let newView): receiveNewView(newView, message)
        case .status(let status): receiveStatus(status, from: sender)
        case .fetchBlocks(let range): receiveFetch(range, from: sender)
        case .blocks(let blocks): receiveBlocks(blocks, from: sender)
        }
    }
}

extension Replica: CustomStringConvertible {
    /// One line for logs and simulator reports.
    public var description: String {
        let sequences = log.keys.sorted()
        let committedSlots = log.filter { $0.value.committed != nil }.keys.sorted()
        return "\(id) view \(view)\(viewActive ? "" : " (changing)") executed \(executedHeight) certified \(certifiedHeight) "
            + "low \(lowWatermark) next \(nextSequence) log \(sequences.first ?? 0)...\(sequences.last ?? 0) committed \(committedSlots.map(String.init).joined(separator: ",")) "
            + "pending \(pending.count) (\(pending.values.filter(\.local).count) local) failed views \(failedViews) "
            + "view changes \(viewChanges.mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " "))"
            + (log[executedHeight + 1].map { entry in
                " | slot \(executedHeight + 1): view \(entry.view) pre-prepare \(entry.prePrepare != nil) prepares \(entry.prepares.count) commits \(entry.commits.count) own commit \(entry.ownCommit != nil) prepared in \(entry.preparedView.map(String.init) ?? "-")"
            } ?? "")
    }
}
