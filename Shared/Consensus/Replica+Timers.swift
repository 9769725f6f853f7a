/// The clock: batching, status gossip, and the timers that replace a silent, slow or equivocating primary.
extension Replica {
    mutating func tick(_ time: UInt64) {
        now = max(now, time)
        if !started {
            // First tick of this incarnation: time starts now for everything restored.
            started = true
            viewActivatedAt = now
            for id in pending.keys {
                pending[id]?.firstSeen = now
                pending[id]?.lastForwarded = now
            }
            announce()
            forwardWaitingTransactions(force: true)
        } else if now >= lastStatusSent + configuration.statusInterval {
            announce()
            forwardWaitingTransactions(force: false)
        }
        checkTimers()
        propose()
    }

    /// Status to everyone, and the pending view change again while it has no answer.
    mutating func announce() {
        sendStatus()
        if !viewActive, let ownViewChange { broadcast(ownViewChange) }
        if let fetching, now >= fetching.until { self.fetching = nil }
    }

    /// In a view: a transaction known for `currentTimeout` of this view and still not executed means the
    /// primary is silent, slow or censoring (or equivocated, so nothing commits). A replica that f+1 peers
    /// report behind is catching up by state transfer instead and does not blame the primary.
    /// Between views: no new-view by the deadline means try the next view.
    mutating func checkTimers() {
        if viewActive {
            let behind = peerStatus.values.count(where: { $0.certifiedHeight > executedHeight }) >= f + 1
            guard !behind else { return }
            let timeout = currentTimeout
            if pending.values.contains(where: { now >= max($0.firstSeen, viewActivatedAt) + timeout }) {
                startViewChange(to: view + 1)
            }
        } else if let newViewDeadline, now >= newViewDeadline {
            startViewChange(to: view + 1)
        }
    }
}
