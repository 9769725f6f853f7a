/// Status gossip: retransmission of what a peer is missing, and state transfer of certified blocks.
extension Replica {
    mutating func sendStatus() {
        lastStatusSent = now
        broadcast(sign(.status(Status(view: view, viewActive: viewActive, executedHeight: executedHeight, certifiedHeight: certifiedHeight))))
    }

    /// Answers a peer's status with what it lacks: blocks it can fetch from here, header votes for blocks it
    /// executed, the new-view of a view it missed, and (when it has been stuck for a whole status interval)
    /// this view's pre-prepares above its executed height.
    mutating func receiveStatus(_ status: Status, from sender: ReplicaID) {
        let previous = peerStatus[sender]
        peerStatus[sender] = status
        if status.certifiedHeight > certifiedHeight { fetch(from: sender) }
        let firstVote = max(status.certifiedHeight, certifiedHeight) + 1
        if firstVote <= min(executedHeight, status.executedHeight) {
            for height in firstVote...min(executedHeight, status.executedHeight) {
                if let vote = ownHeaderVotes[height] { send(vote, to: sender) }
            }
        }
        guard viewActive else { return }
        if status.view < view {
            resendNewView(to: sender)
            return
        }
        guard status.view == view, status.viewActive, let previous, previous.view == view,
              previous.executedHeight == status.executedHeight, let highest = log.keys.max() else { return }
        let upper = min(highest, status.executedHeight + configuration.watermarkWindow)
        guard upper > status.executedHeight else { return }
        for sequence in (status.executedHeight + 1)...upper {
            guard let entry = log[sequence], entry.view == view else { continue }
            // Votes go again to everyone from `announce`; the primary's proposal is relayed here in case
            // the primary cannot reach the peer.
            if let prePrepare = entry.prePrepare, sender != primary { send(prePrepare, to: sender) }
        }
    }

    /// Asks one peer that is ahead for the next certified blocks (one request in flight at a time). A peer
    /// that let a request time out or sent blocks that do not check is passed over while others are ahead,
    /// so a liar claiming a great height cannot stall state transfer.
    mutating func fetch(from peer: ReplicaID) {
        if let fetching, now < fetching.until { return }
        if unhelpful.contains(peer) {
            let ahead = peerStatus.filter { $0.value.certifiedHeight > certifiedHeight }.keys
            if ahead.contains(where: { !unhelpful.contains($0) }) { return }
            unhelpful = []
        }
        let known = peerStatus[peer]?.certifiedHeight ?? certifiedHeight + 1
        let through = min(certifiedHeight + UInt64(configuration.maxBlocksPerFetch), known)
        guard through > certifiedHeight else { return }
        fetching = (peer, now + 2 * configuration.statusInterval)
        send(sign(.fetchBlocks(BlockRange(from: certifiedHeight + 1, through: through))), to: peer)
    }

    /// A peer's fetch: the shell reads the blocks from its store (`loadBlocks`) and hands them back (`serve`).
    mutating func receiveFetch(_ range: BlockRange, from sender: ReplicaID) {
        guard range.from >= 1, range.from <= certifiedHeight, range.through >= range.from else { return }
        let through = min(range.through, certifiedHeight, range.from + UInt64(configuration.maxBlocksPerFetch) - 1)
        outbox.append(.loadBlocks(for: sender, BlockRange(from: range.from, through: through)))
    }

    mutating func serve(_ blocks: [CommittedBlock], to peer: ReplicaID) {
        guard !blocks.isEmpty, peer.index >= 0, peer.index < configuration.replicaCount else { return }
        send(sign(.blocks(Array(blocks.prefix(configuration.maxBlocksPerFetch)))), to: peer)
    }

    /// Adopts, in order, every block that extends the certified chain and carries a valid certificate.
    mutating func receiveBlocks(_ blocks: [CommittedBlock], from sender: ReplicaID) {
        if fetching?.peer == sender { fetching = nil }
        let before = certifiedHeight
        for committed in blocks.sorted(by: { $0.height < $1.height }) where committed.height > certifiedHeight {
            guard committed.height == certifiedHeight + 1, extendsCertifiedChain(committed) else { break }
            adopt(committed)
        }
        if certifiedHeight > before { unhelpful.remove(sender) } else { unhelpful.insert(sender) }
        execute()
        if let status = peerStatus[sender], status.certifiedHeight > certifiedHeight { fetch(from: sender) }
    }

    func extendsCertifiedChain(_ committed: CommittedBlock) -> Bool {
        let header = committed.block.header
        let hash = header.hash
        return header.previousHash == certifiedHeaderHash
            && committed.certificate.height == header.height
            && committed.certificate.headerHash == hash
            && header.merkleRoot == MerkleTree.root(of: committed.block.transactions)
            && CertificateCheck.problem(committed.certificate, quorum: quorum, verifier: verifier) == nil
    }

    mutating func adopt(_ committed: CommittedBlock) {
        let height = committed.height
        if height <= executedHeight {
            if let local = uncertified[height], local.header.hash == committed.certificate.headerHash {
                finishCertified(local, certificate: committed.certificate)
                return
            }
            // This replica executed something else at `height`: possible only with more than f faulty
            // replicas. The certificate wins; what was executed from `height` on is forgotten.
            for dropped in height...executedHeight {
                for transaction in uncertified[dropped]?.transactions ?? [] { executedTransactions.removeValue(forKey: transaction.id) }
                uncertified.removeValue(forKey: dropped)
                executedAt.removeValue(forKey: dropped)
                ownHeaderVotes.removeValue(forKey: dropped)
            }
        }
        applyExecuted(committed.block, adopted: true)
        finishCertified(committed.block, certificate: committed.certificate)
    }
}
