import Consensus
import Foundation

/// A message a Byzantine node puts on the wire: to one node, or to all others when `to` is nil.
struct Emission {
    let to: ReplicaID?
    let message: SignedMessage
    var extraDelay: UInt64 = 0
}

/// Turns a node's honest output into its Byzantine behaviour. It signs only with its own key.
struct Adversary {
    let behaviour: ByzantineBehaviour
    let id: ReplicaID
    let signer: HMACSigner
    let configuration: Configuration

    func sign(_ message: Message) -> SignedMessage { SignedMessage.signed(message, by: id, with: signer) }

    /// What the node sends instead of what its honest core asked for.
    func outgoing(_ actions: [Action], random: inout SeededRandom) -> [Emission] {
        var emissions: [Emission] = []
        for action in actions {
            switch action {
            case .send(let to, let message): emissions.append(Emission(to: to, message: message))
            case .broadcast(let message): emissions.append(contentsOf: broadcast(message, random: &random))
            default: continue
            }
        }
        switch behaviour {
        case .silent: return []
        case .slow: return emissions.map { Emission(to: $0.to, message: $0.message, extraDelay: configuration.viewChangeTimeout * 3 / 2) }
        case .equivocate, .garbage: return emissions
        }
    }

    /// An equivocating primary splits the others in two and gives each side its own batch.
    private func broadcast(_ message: SignedMessage, random: inout SeededRandom) -> [Emission] {
        guard behaviour == .equivocate, case .prePrepare(let proposal) = message.message else { return [Emission(to: nil, message: message)] }
        let others = random.shuffled(configuration.replicas.filter { $0 != id })
        let split = random.int(in: 1...(others.count - 1))
        let batch = proposal.batch
        let transactions = batch.transactions.count > 1 ? Array(batch.transactions.reversed()) : batch.transactions
        let other = Batch(view: batch.view, proposer: batch.proposer, timestamp: batch.timestamp, nonce: batch.nonce &+ 1_000_003, transactions: transactions)
        let conflicting = sign(.prePrepare(PrePrepare(view: proposal.view, sequence: proposal.sequence, batch: other)))
        return others.enumerated().map { Emission(to: $0.element, message: $0.offset < split ? message : conflicting) }
    }

    /// An equivocating node votes yes to whatever anyone proposes or votes, on either side of its split.
    func react(to message: SignedMessage) -> [Emission] {
        guard behaviour == .equivocate else { return [] }
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

    /// A garbage node's junk for this tick.
    func junk(view: UInt64, height: UInt64, random: inout SeededRandom) -> [Emission] {
        guard behaviour == .garbage, random.chance(0.3) else { return [] }
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
            message = SignedMessage(sender: victim, message: forged, signature: signer.sign(SignedMessage.signingBytes(sender: victim, message: forged)))
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
