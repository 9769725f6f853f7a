/// The normal case: pre-prepare, prepare, commit.
extension Replica {
    /// A pre-prepare from the primary of this view (possibly relayed by another replica).
    mutating func receivePrePrepare(_ proposal: PrePrepare, _ message: SignedMessage) {
        guard viewActive, proposal.view == view, message.sender == primary, !isPrimary,
              proposal.sequence > lowWatermark, proposal.sequence <= orderingLimit else { return }
        var entry = log[proposal.sequence] ?? LogEntry(view: view)
        entry.enter(view)
        if let accepted = entry.prePrepare {
            // The same primary signed two proposals for one slot: proof it is faulty.
            if accepted != message, entry.digest != proposal.batch.digest { startViewChange(to: view + 1) }
            return
        }
        guard acceptable(proposal) else { return }
        persist(.prePrepare(message))
        accept(message, batch: proposal.batch, sequence: proposal.sequence)
    }

    /// Checks a fresh proposal: the batch is this view's, every transaction's signature is valid and appears
    /// once, and its timestamp is within `maxClockSkew` of this replica's clock and after the batch before it
    /// when that one is known in this view. (Header n - 1 may not exist yet, so execution also clamps:
    /// a header's timestamp is max(batch timestamp, previous header's + 1), see `execute`.)
    func acceptable(_ proposal: PrePrepare) -> Bool {
        let batch = proposal.batch
        guard batch.view == view, batch.proposer == primary,
              batch.transactions.count <= configuration.maxBatchSize else { return false }
        let skew = batch.timestamp > now ? batch.timestamp - now : now - batch.timestamp
        guard skew <= configuration.maxClockSkew else { return false }
        if let previous = log[proposal.sequence - 1], previous.view == view, let before = previous.batch {
            guard batch.timestamp > before.timestamp else { return false }
        }
        var seen = Set<TransactionID>()
        for transaction in batch.transactions {
            guard seen.insert(transaction.id).inserted else { return false }
            // A transaction this replica already checked (same bytes) needs no second look.
            if pending[transaction.id]?.transaction == transaction { continue }
            guard transactionVerifier.isValid(transaction) else { return false }
        }
        return true
    }

    /// Records an accepted pre-prepare (own or the primary's) and, at a backup, sends the prepare.
    mutating func accept(_ message: SignedMessage, batch: Batch, sequence: UInt64) {
        var entry = log[sequence] ?? LogEntry(view: view)
        entry.enter(view)
        entry.prePrepare = message
        entry.batch = batch
        entry.digest = batch.digest
        for transaction in batch.transactions {
            proposed.insert(transaction.id)
            // Backups time the primary on what it proposed, too.
            if pending[transaction.id] == nil, executedTransactions[transaction.id] == nil { remember(transaction, local: false) }
        }
        if configuration.primary(of: view) != id, let digest = entry.digest {
            let prepare = sign(.prepare(Vote(view: view, sequence: sequence, digest: digest)))
            entry.ownPrepare = prepare
            entry.prepares[id] = (digest, prepare)
            broadcast(prepare)
        }
        log[sequence] = entry
        checkPrepared(sequence)
    }

    mutating func receivePrepare(_ vote: Vote, _ message: SignedMessage) {
        guard viewActive, vote.view == view, message.sender != primary,
              vote.sequence > lowWatermark, vote.sequence <= highWatermark else { return }
        var entry = log[vote.sequence] ?? LogEntry(view: view)
        entry.enter(view)
        guard entry.prepares[message.sender] == nil else { return }
        entry.prepares[message.sender] = (vote.digest, message)
        log[vote.sequence] = entry
        checkPrepared(vote.sequence)
    }

    mutating func receiveCommit(_ vote: Vote, from sender: ReplicaID) {
        guard viewActive, vote.view == view, vote.sequence > lowWatermark, vote.sequence <= highWatermark else { return }
        var entry = log[vote.sequence] ?? LogEntry(view: view)
        entry.enter(view)
        guard entry.commits[sender] == nil else { return }
        entry.commits[sender] = vote.digest
        log[vote.sequence] = entry
        checkCommitted(vote.sequence)
    }

    /// Prepared: the pre-prepare plus 2f matching prepares from distinct backups. Persist the certificate
    /// (a view change must report it even after a restart), then send the commit.
    mutating func checkPrepared(_ sequence: UInt64) {
        guard var entry = log[sequence], entry.ownCommit == nil,
              let prePrepare = entry.prePrepare, let digest = entry.digest else { return }
        let matching = entry.prepares.filter { $0.value.digest == digest }.sorted { $0.key < $1.key }
        guard matching.count >= quorum - 1 else { return }
        let certificate = PreparedCertificate(prePrepare: prePrepare, prepares: matching.prefix(quorum - 1).map(\.value.message))
        entry.prepared = certificate
        entry.preparedView = view
        persist(.prepared(certificate))
        let commit = sign(.commit(Vote(view: view, sequence: sequence, digest: digest)))
        entry.ownCommit = commit
        entry.commits[id] = digest
        log[sequence] = entry
        broadcast(commit)
        checkCommitted(sequence)
    }

    /// Committed locally: prepared here plus 2f+1 matching commits. The batch then waits for its turn to execute.
    mutating func checkCommitted(_ sequence: UInt64) {
        guard var entry = log[sequence], entry.ownCommit != nil, entry.committed == nil,
              let digest = entry.digest, let batch = entry.batch else { return }
        guard entry.commits.values.count(where: { $0 == digest }) >= quorum else { return }
        entry.committed = batch
        log[sequence] = entry
        execute()
    }
}
