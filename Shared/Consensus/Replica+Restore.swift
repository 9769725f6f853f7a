/// Rebuilding a replica after a restart from its stored chain and persisted records.
extension Replica {
    mutating func restore(records: [PersistedRecord], blocks: [CommittedBlock]) {
        replay(committed: blocks)
        finishRestoring(records: records)
    }

    /// For a stored chain too long to hold at once: a replica made with no records and no blocks,
    /// then fed the chain page by page (height order, from height 1) with `replay(committed:)`,
    /// then its records with `finishRestoring(records:)`, ends in the same state as one made with
    /// both at once. Only before the first `handle`.
    public mutating func replay(committed blocks: [CommittedBlock]) {
        for committed in blocks.sorted(by: { $0.height < $1.height }) where committed.height == certifiedHeight + 1 {
            let header = committed.block.header
            executedHeight = header.height
            executedHeaderHash = committed.certificate.headerHash
            executedTimestamp = header.timestamp
            certifiedHeight = header.height
            certifiedHeaderHash = committed.certificate.headerHash
            enterBlock(height: header.height, timestamp: header.timestamp)
            for (index, transaction) in committed.block.transactions.enumerated() {
                recordExecuted(transaction.id, at: TransactionLocation(height: header.height, index: index))
                _ = rules.apply(transaction, at: TransactionLocation(height: header.height, index: index))
            }
            forgetExecutedBeyondWindow(at: header.height)
            // A checkpoint certified by an earlier membership's keys proves nothing to this one.
            if header.height % configuration.checkpointInterval == 0, header.height > configuration.baseHeight {
                stableCheckpoint = CheckpointProof(header: header, certificate: committed.certificate)
            }
        }
    }

    /// The last step of a paged restore (see `replay(committed:)`): the persisted records, in the order written.
    public mutating func finishRestoring(records: [PersistedRecord]) {
        for record in records { apply(record) }
        if let ownViewChange, !viewActive { viewChanges[view, default: [:]][id] = ownViewChange }
        let current = log.filter { $0.value.view == view && $0.value.prePrepare != nil }
        nextSequence = max((current.keys.max() ?? 0) + 1, executedHeight + 1)
        lastProposalTimestamp = current.values.compactMap(\.batch?.timestamp).max() ?? 0
        // Restoring re-signs own votes; nothing is sent until the shell feeds inputs.
        outbox = []
    }

    mutating func apply(_ record: PersistedRecord) {
        switch record {
        case .snapshot(let snapshot):
            log = [:]
            pending = [:]
            proposed = []
            view = snapshot.view
            viewActive = snapshot.viewChange == nil
            ownViewChange = snapshot.viewChange
            installedNewView = snapshot.newView
            for prePrepare in snapshot.prePrepares { restoreAccepted(prePrepare) }
            for certificate in snapshot.prepared { restorePrepared(certificate) }
            for transaction in snapshot.transactions { restoreTransaction(transaction) }
        case .transaction(let transaction):
            restoreTransaction(transaction)
        case .prePrepare(let message):
            restoreAccepted(message)
        case .prepared(let certificate):
            restorePrepared(certificate)
        case .viewChange(let message):
            guard let change = message.viewChange, change.newView >= view else { return }
            view = change.newView
            viewActive = false
            ownViewChange = message
            proposed = []
        case .newView(let message):
            guard case .newView(let newView) = message.message, newView.view >= view else { return }
            view = newView.view
            viewActive = true
            ownViewChange = nil
            installedNewView = message
            proposed = []
            for prePrepare in newView.prePrepares { restoreAccepted(prePrepare) }
        }
    }

    mutating func restoreTransaction(_ transaction: Transaction) {
        guard executedTransactions[transaction.id] == nil, pending[transaction.id] == nil else { return }
        remember(transaction, local: true)
    }

    /// A pre-prepare this replica had accepted in its current view: it will accept no other there.
    mutating func restoreAccepted(_ message: SignedMessage) {
        guard case .prePrepare(let proposal) = message.message, proposal.view == view, proposal.sequence > lowWatermark else { return }
        var entry = log[proposal.sequence] ?? LogEntry(view: view)
        entry.enter(view)
        entry.prePrepare = message
        entry.batch = proposal.batch
        let digest = proposal.batch.digest
        entry.digest = digest
        if configuration.primary(of: view) != id {
            let prepare = sign(.prepare(Vote(view: view, sequence: proposal.sequence, digest: digest)))
            entry.ownPrepare = prepare
            entry.prepares[id] = (digest, prepare)
        }
        for transaction in proposal.batch.transactions { proposed.insert(transaction.id) }
        log[proposal.sequence] = entry
    }

    mutating func restorePrepared(_ certificate: PreparedCertificate) {
        guard let proposal = certificate.proposal, proposal.sequence > lowWatermark else { return }
        var entry = log[proposal.sequence] ?? LogEntry(view: view)
        if (entry.preparedView ?? 0) <= proposal.view {
            entry.prepared = certificate
            entry.preparedView = proposal.view
        }
        if proposal.view == view, entry.view == view, let digest = entry.digest, digest == proposal.batch.digest {
            let commit = sign(.commit(Vote(view: view, sequence: proposal.sequence, digest: digest)))
            entry.ownCommit = commit
            entry.commits[id] = digest
        }
        log[proposal.sequence] = entry
    }
}
