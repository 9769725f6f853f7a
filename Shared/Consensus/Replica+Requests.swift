import Foundation

/// Client transactions: admission, forwarding, and the primary's batching.
extension Replica {
    /// A client's transaction: verified, persisted, then sent on. A backup sends it to the primary,
    /// which orders it; the other backups see it in the primary's pre-prepare, and if none comes,
    /// this replica sends it to every data center after half a view-change timeout
    /// (`forwardWaitingTransactions`), so that they all watch the primary with it, as PBFT's
    /// clients make them do. (Sending it to everyone at once would carry every transaction's bytes
    /// twice to each backup.) The primary sends it to everyone as it proposes it, so that it
    /// survives the primary's fall.
    mutating func submit(_ transaction: Transaction) {
        let id = transaction.id
        if let location = executedTransactions[id] {
            // Already ordered: answer now if its block is certified, else when it is.
            if location.height <= certifiedHeight { outbox.append(.transactionCommitted(id, location)) }
            return
        }
        if pending[id] != nil {
            pending[id]?.local = true
            return
        }
        if let problem = transactionVerifier.problem(transaction) {
            outbox.append(.transactionRejected(id, problem))
            return
        }
        remember(transaction, local: true)
        persist(.transaction(transaction))
        if isPrimary {
            broadcast(relay(transaction))
            propose()
        } else {
            send(relay(transaction), to: primary)
        }
    }

    /// A client's transaction passed on to the other data centers, unsigned: it carries its
    /// client's signature, which every receiver checks, so a data center's signature on top would
    /// only cost a signing here and a verification at every peer for each transaction.
    func relay(_ transaction: Transaction) -> SignedMessage {
        SignedMessage(sender: id, message: .request(transaction), signature: Data())
    }

    mutating func receiveRequest(_ transaction: Transaction) {
        guard executedTransactions[transaction.id] == nil, pending[transaction.id] == nil,
              transactionVerifier.isValid(transaction) else { return }
        remember(transaction, local: false)
        propose()
    }

    mutating func remember(_ transaction: Transaction, local: Bool) {
        arrivals += 1
        pending[transaction.id] = PendingTransaction(transaction: transaction, firstSeen: now, arrival: arrivals, local: local, lastForwarded: now)
    }

    /// Sends this replica's own clients' transactions again when they have waited `viewChangeTimeout / 2`
    /// since the last time (messages get lost; a new primary may never have seen them).
    mutating func forwardWaitingTransactions(force: Bool) {
        let interval = configuration.viewChangeTimeout / 2
        // In arrival order, not the dictionary's (which differs from process to process): the same
        // inputs give the same actions, so a simulated seed replays exactly in any process.
        let due = pending.filter { $0.value.local && (force || now >= $0.value.lastForwarded + interval) }
        for (id, entry) in due.sorted(by: { $0.value.arrival < $1.value.arrival }) {
            pending[id]?.lastForwarded = now
            broadcast(relay(entry.transaction))
        }
    }

    /// The primary proposes batches while it has waiting transactions and room under the high watermark:
    /// a full batch at once, a partial one after `batchDelay`.
    mutating func propose() {
        guard viewActive, isPrimary, started else { return }
        // Looking for a batch costs a pass over every waiting transaction. With more than a batch
        // waiting, once per clock value is enough unless a full batch's worth arrived since
        // (batches are due by time or by size); with fewer, the pass is cheap and runs every time.
        if pending.count > configuration.maxBatchSize, now == lastProposalCheck.time,
           pending.count < lastProposalCheck.pending + configuration.maxBatchSize { return }
        lastProposalCheck = (now, pending.count)
        var waiting = pending.values.filter { !proposed.contains($0.transaction.id) }
        // Sequence numbers this replica already executed (state transfer) are decided; skip them.
        nextSequence = max(nextSequence, executedHeight + 1)
        guard !waiting.isEmpty else {
            proposeFiller()
            return
        }
        waiting.sort { $0.arrival < $1.arrival }
        var start = 0
        while start < waiting.count, nextSequence <= orderingLimit {
            let end = min(start + configuration.maxBatchSize, waiting.count)
            let full = end - start == configuration.maxBatchSize
            guard full || now >= waiting[start].firstSeen + configuration.batchDelay else { return }
            let transactions = waiting[start..<end].map(\.transaction)
            start = end
            proposeBatch(transactions)
        }
    }

    mutating func proposeBatch(_ transactions: [Transaction]) {
        let timestamp = max(now, lastProposalTimestamp + 1)
        proposalsInView += 1
        let batch = Batch(view: view, proposer: id, timestamp: timestamp, nonce: proposalsInView, transactions: transactions)
        let message = sign(.prePrepare(PrePrepare(view: view, sequence: nextSequence, batch: batch)))
        persist(.prePrepare(message))
        broadcast(message)
        accept(message, batch: batch, sequence: nextSequence)
        lastProposalTimestamp = timestamp
        nextSequence += 1
    }

    /// With a membership change scheduled, the old membership must reach its last height even when
    /// no client sends anything: the primary proposes empty batches up to it, one per batch delay.
    mutating func proposeFiller() {
        guard let end = membershipEnd, nextSequence <= min(end, orderingLimit),
              now >= lastProposalTimestamp + configuration.batchDelay else { return }
        proposeBatch([])
    }
}
