import Consensus
import Foundation

/// A message a Byzantine node puts on the wire: to one seat of its membership, or to all others when `to` is nil.
struct Emission {
    let to: ReplicaID?
    let message: SignedMessage
    var extraDelay: UInt64 = 0
}

/// What a Byzantine node's own (honest) core shows it when it decides what to send.
struct AdversaryContext {
    let view: UInt64
    let certifiedHeight: UInt64
    /// The node's clock, for timestamps of the batches it makes up.
    let clock: UInt64
}

/// Turns a node's honest output into its Byzantine behaviour. It signs only with its own key.
/// It follows its node across membership switches (`enter`), keeping what it captured before.
struct Adversary {
    let behaviour: ByzantineBehaviour
    let signer: KeyedHashSigner
    /// The membership its node's core runs in, and the node's seat there.
    private(set) var configuration: Configuration
    private(set) var id: ReplicaID
    /// View changes and new-views it received or sent, with the base height of the membership it
    /// was in then (`replay` sends them again later; `splitNewView` builds other new-views from them).
    var captured: [(base: UInt64, message: SignedMessage)] = []
    /// Memberships in which `replay` already started its view from captured view changes, and the
    /// view it started there (its core's own messages for that view are then held back).
    var attacks: [UInt64: UInt64] = [:]
    /// The batches of the running attack, sent again on each tick until `until`.
    var attackBatches: (messages: [SignedMessage], until: UInt64)?
    /// How often each kind of attack was made, for the report.
    var counts: [String: Int] = [:]
    /// A new-view `splitNewView` sent to some replicas only, waiting for a held-out one's view change
    /// (`since`: the clock when first looked at on a tick).
    var pendingSplit: (base: UInt64, newView: NewView, message: SignedMessage, heldOut: [ReplicaID], since: UInt64?)?

    init(behaviour: ByzantineBehaviour, id: ReplicaID, signer: KeyedHashSigner, configuration: Configuration) {
        self.behaviour = behaviour
        self.id = id
        self.signer = signer
        self.configuration = configuration
    }

    /// Its node switched to another membership.
    mutating func enter(_ configuration: Configuration, seat: ReplicaID) {
        self.configuration = configuration
        id = seat
        attackBatches = nil
        pendingSplit = nil
    }

    func sign(_ message: Message) -> SignedMessage { SignedMessage.signed(message, by: id, with: signer, domain: configuration.signingDomain) }

    /// What the node sends instead of what its honest core asked for.
    mutating func outgoing(_ actions: [Action], random: inout SeededRandom) -> [Emission] {
        var emissions: [Emission] = []
        for action in actions {
            switch action {
            case .send(let to, let message):
                capture(message)
                // A replica held out of a split new-view does not get the core's from it.
                if case .newView(let newView) = message.message, let pending = pendingSplit,
                   pending.newView.view == newView.view, pending.heldOut.contains(to) { continue }
                emissions.append(Emission(to: to, message: message))
            case .broadcast(let message):
                capture(message)
                emissions.append(contentsOf: broadcast(message, random: &random))
            default: continue
            }
        }
        switch behaviour {
        case .silent: return []
        case .slow: return emissions.map { Emission(to: $0.to, message: $0.message, extraDelay: configuration.viewChangeTimeout * 3 / 2) }
        case .replay: return emissions.filter { !isHeldBack($0.message) }
        case .equivocate, .garbage, .splitNewView: return emissions
        }
    }

    private mutating func broadcast(_ message: SignedMessage, random: inout SeededRandom) -> [Emission] {
        switch (behaviour, message.message) {
        case (.equivocate, .prePrepare(let proposal)): return equivocate(message, proposal, random: &random)
        case (.splitNewView, .newView(let newView)): return split(message, newView, random: &random)
        default: return [Emission(to: nil, message: message)]
        }
    }

    /// An equivocating primary splits the others in two and gives each side its own batch.
    private func equivocate(_ message: SignedMessage, _ proposal: PrePrepare, random: inout SeededRandom) -> [Emission] {
        let others = random.shuffled(configuration.replicas.filter { $0 != id })
        let split = random.int(in: 1...(others.count - 1))
        let batch = proposal.batch
        let transactions = batch.transactions.count > 1 ? Array(batch.transactions.reversed()) : batch.transactions
        let other = Batch(view: batch.view, proposer: batch.proposer, timestamp: batch.timestamp, nonce: batch.nonce &+ 1_000_003, transactions: transactions)
        let conflicting = sign(.prePrepare(PrePrepare(view: proposal.view, sequence: proposal.sequence, batch: other)))
        return others.enumerated().map { Emission(to: $0.element, message: $0.offset < split ? message : conflicting) }
    }

    /// What the node does with a message it received from an honest node (besides handing it to its core).
    mutating func react(to message: SignedMessage, context: AdversaryContext) -> [Emission] {
        capture(message)
        switch behaviour {
        case .equivocate: return yes(to: message)
        case .replay: return replayAttack(after: message, context: context)
        case .splitNewView: return completeSplit(with: message)
        default: return []
        }
    }

    /// An equivocating node votes yes to whatever anyone proposes or votes, on either side of its split.
    private func yes(to message: SignedMessage) -> [Emission] {
        switch message.message {
        case .prePrepare(let proposal):
            let vote = Vote(view: proposal.view, sequence: proposal.sequence, digest: proposal.batch.digest)
            return [Emission(to: nil, message: sign(.prepare(vote))), Emission(to: nil, message: sign(.commit(vote)))]
        case .prepare(let vote):
            return [Emission(to: message.sender, message: sign(.prepare(vote))), Emission(to: message.sender, message: sign(.commit(vote)))]
        case .commit(let vote):
            return [Emission(to: message.sender, message: sign(.commit(vote)))]
        case .headerVote(let vote):
            let mine = HeaderVote(height: vote.height, headerHash: vote.headerHash, signature: signer.sign(BlockHeader.signingBytes(vote.headerHash)))
            return [Emission(to: message.sender, message: sign(.headerVote(mine)))]
        default:
            return []
        }
    }

    /// The node's own junk for this tick.
    mutating func junk(context: AdversaryContext, random: inout SeededRandom) -> [Emission] {
        switch behaviour {
        case .garbage: garbage(view: context.view, height: context.certifiedHeight, random: &random)
        case .replay: replayJunk(context: context, random: &random)
        case .splitNewView: flushSplit(clock: context.clock)
        default: []
        }
    }

    /// A garbage node's junk for this tick.
    private func garbage(view: UInt64, height: UInt64, random: inout SeededRandom) -> [Emission] {
        guard random.chance(0.3) else { return [] }
        let others = configuration.replicas.filter { $0 != id }
        let target: ReplicaID? = random.chance(0.5) ? nil : random.element(of: others)
        func randomHash() -> Hash256 {
            var bytes = Data()
            for _ in 0..<4 { withUnsafeBytes(of: random.next()) { bytes.append(contentsOf: $0) } }
            return Hash256(bytes)!
        }
        let someView = view + UInt64(random.int(in: 0...3))
        let someSequence = height + UInt64(random.int(in: 0...(Int(configuration.watermarkWindow) * 3)))
        let vote = Vote(view: someView, sequence: someSequence, digest: randomHash())
        let message: SignedMessage
        switch random.int(in: 0...9) {
        case 0:
            // Right sender, wrong signature.
            let status = Message.status(Status(view: view, viewActive: true, executedHeight: height + 50, certifiedHeight: height + 50))
            message = SignedMessage(sender: id, message: status, signature: randomHash().bytes)
        case 1:
            // Forged: claims another sender, signed with its own key.
            let victim = random.element(of: others)
            let forged = random.chance(0.5) ? Message.commit(vote) : Message.prepare(vote)
            message = SignedMessage(sender: victim, message: forged, signature: signer.sign(SignedMessage.signingBytes(sender: victim, message: forged, domain: configuration.signingDomain)))
        case 2:
            message = sign(random.chance(0.5) ? .prepare(vote) : .commit(vote))
        case 3:
            message = sign(.status(Status(view: view + UInt64(random.int(in: 0...2)), viewActive: random.chance(0.5), executedHeight: height + 1_000, certifiedHeight: height + 1_000)))
        case 4:
            let from = UInt64(random.int(in: 0...Int(height + 3)))
            message = sign(.fetchBlocks(BlockRange(from: from, through: from &+ UInt64(random.int(in: 0...1_000_000)))))
        case 5:
            message = sign(.blocks([fakeBlock(height: height + 1, random: &random)]))
        case 6:
            let bogus = PreparedCertificate(prePrepare: sign(.prePrepare(PrePrepare(view: view, sequence: height + 1, batch: Batch.empty(view: view, proposer: id)))), prepares: [])
            message = sign(.viewChange(ViewChange(newView: view + UInt64(random.int(in: 1...5)), checkpoint: nil, prepared: random.chance(0.5) ? [bogus] : [])))
        case 7:
            message = sign(.newView(NewView(view: view + UInt64(random.int(in: 1...5)), viewChanges: [], prePrepares: [])))
        case 8:
            let transaction = Transaction(payload: randomHash().bytes, submitter: Data([1, 2, 3]), signature: randomHash().bytes)
            message = sign(.request(transaction))
        default:
            let hash = randomHash()
            message = sign(.headerVote(HeaderVote(height: height + UInt64(random.int(in: 1...4)), headerHash: hash, signature: randomHash().bytes)))
        }
        return [Emission(to: target, message: message)]
    }

    /// A block whose certificate is this node's signature repeated: never 2f+1 distinct signers.
    private func fakeBlock(height: UInt64, random: inout SeededRandom) -> CommittedBlock {
        let transactions: [Transaction] = []
        let header = BlockHeader(height: height, previousHash: .zero, merkleRoot: MerkleTree.root(of: transactions), timestamp: random.next() >> 20, nonce: random.next(), proposer: id, view: 0)
        let hash = header.hash
        let signature = signer.sign(BlockHeader.signingBytes(hash))
        let signatures = Array(repeating: ReplicaSignature(replica: id, signature: signature), count: configuration.quorum)
        return CommittedBlock(block: Block(header: header, transactions: transactions), certificate: CommitCertificate(height: height, headerHash: hash, signatures: signatures))
    }
}
