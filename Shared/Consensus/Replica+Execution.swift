/// Execution in sequence order, header votes, commit certificates and checkpoints.
extension Replica {
    /// Turns decided batches into blocks, in order. Deterministic, so every honest replica builds the same
    /// header: transactions already executed (or repeated within the batch) are left out, so a transaction
    /// is ordered at most once, and the timestamp is max(batch timestamp, previous header's + 1), so
    /// timestamps strictly increase even when a pipelined batch was proposed before its predecessor's header existed.
    mutating func execute() {
        while let batch = log[executedHeight + 1]?.committed {
            let height = executedHeight + 1
            let timestamp = max(batch.timestamp, executedTimestamp + 1)
            enterBlock(height: height, timestamp: timestamp)
            var seen = Set<TransactionID>()
            var transactions: [Transaction] = []
            for transaction in batch.transactions where executedTransactions[transaction.id] == nil && seen.insert(transaction.id).inserted {
                if let rejection = rules.apply(transaction, at: TransactionLocation(height: height, index: transactions.count)) {
                    // Ordered but refused by the application: not in the block, so never executed;
                    // a corrected copy (another id) may come later.
                    pending.removeValue(forKey: transaction.id)
                    proposed.remove(transaction.id)
                    outbox.append(.transactionRejected(transaction.id, rejection))
                } else {
                    transactions.append(transaction)
                }
            }
            let header = BlockHeader(
                height: height,
                previousHash: executedHeaderHash,
                merkleRoot: MerkleTree.root(of: transactions),
                timestamp: timestamp,
                nonce: batch.nonce,
                proposer: batch.proposer,
                view: batch.view
            )
            let hash = applyExecuted(Block(header: header, transactions: transactions))
            let vote = HeaderVote(height: height, headerHash: hash, signature: signer.sign(BlockHeader.signingBytes(hash)))
            let message = sign(.headerVote(vote))
            ownHeaderVotes[height] = message
            headerVotes[height, default: [:]][id] = vote
            broadcast(message)
            failedViews = 0
        }
        certify()
    }

    /// Makes `block` the executed tip (built here, its transactions already through the rules, or
    /// adopted from a certified peer block, whose transactions the rules take now).
    @discardableResult
    mutating func applyExecuted(_ block: Block, adopted: Bool = false) -> Hash256 {
        let hash = block.header.hash
        let height = block.header.height
        executedHeight = height
        executedHeaderHash = hash
        executedTimestamp = block.header.timestamp
        if adopted { enterBlock(height: height, timestamp: block.header.timestamp) }
        for (index, transaction) in block.transactions.enumerated() {
            recordExecuted(transaction.id, at: TransactionLocation(height: height, index: index))
            pending.removeValue(forKey: transaction.id)
            if adopted { _ = rules.apply(transaction, at: TransactionLocation(height: height, index: index)) }
        }
        forgetExecutedBeyondWindow(at: height)
        uncertified[height] = block
        executedAt[height] = now
        lastExecutedTime = now
        return hash
    }

    mutating func receiveHeaderVote(_ vote: HeaderVote, from sender: ReplicaID) {
        guard vote.height > certifiedHeight, vote.height <= certifiedHeight + configuration.watermarkWindow,
              headerVotes[vote.height]?[sender] == nil,
              verifier.isValid(signature: vote.signature, of: BlockHeader.signingBytes(vote.headerHash), by: sender) else { return }
        headerVotes[vote.height, default: [:]][sender] = vote
        certify()
    }

    /// Emits, in height order, every executed block that has 2f+1 signatures over its header hash.
    mutating func certify() {
        while let block = uncertified[certifiedHeight + 1] {
            let height = certifiedHeight + 1
            let hash = block.header.hash
            let votes = (headerVotes[height] ?? [:]).filter { $0.value.headerHash == hash }
            guard votes.count >= quorum else { return }
            let signatures = votes.sorted { $0.key < $1.key }.map { ReplicaSignature(replica: $0.key, signature: $0.value.signature) }
            finishCertified(block, certificate: CommitCertificate(height: height, headerHash: hash, signatures: signatures))
        }
    }

    /// Hands the block to the shell; at a multiple of K it becomes the stable checkpoint: the log below it
    /// goes, and a snapshot record (written after the block, so the block is durable first) replaces older records.
    mutating func finishCertified(_ block: Block, certificate: CommitCertificate) {
        let height = block.header.height
        uncertified.removeValue(forKey: height)
        executedAt.removeValue(forKey: height)
        headerVotes.removeValue(forKey: height)
        ownHeaderVotes.removeValue(forKey: height)
        certifiedHeight = height
        certifiedHeaderHash = certificate.headerHash
        outbox.append(.committed(CommittedBlock(block: block, certificate: certificate)))
        for (index, transaction) in block.transactions.enumerated() {
            outbox.append(.transactionCommitted(transaction.id, TransactionLocation(height: height, index: index)))
        }
        guard height % configuration.checkpointInterval == 0, height > configuration.baseHeight else { return }
        adoptCheckpoint(CheckpointProof(header: block.header, certificate: certificate))
        persist(.snapshot(snapshot()))
    }

    /// Moves the low watermark up to a proven stable checkpoint and forgets the log below it.
    mutating func adoptCheckpoint(_ proof: CheckpointProof) {
        guard proof.height > lowWatermark else { return }
        stableCheckpoint = proof
        log = log.filter { $0.key > proof.height }
        // Left over from batches this replica adopted as certified blocks instead of executing
        // them (or repeated in one): only what still waits is kept.
        proposed = proposed.filter { pending[$0] != nil }
    }

    func snapshot() -> Snapshot {
        let entries = log.sorted { $0.key < $1.key }.map(\.value)
        return Snapshot(
            view: view,
            viewChange: viewActive ? nil : ownViewChange,
            newView: viewActive ? installedNewView : nil,
            prePrepares: entries.compactMap { $0.view == view ? $0.prePrepare : nil },
            prepared: entries.compactMap(\.prepared),
            transactions: pending.values.filter(\.local).sorted { $0.arrival < $1.arrival }.map(\.transaction)
        )
    }
}
