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

    /// Status to everyone, and the pending view change again while it has no answer. While the lowest
    /// executed height in this view (here or at a peer, by their statuses) has not moved since the last
    /// status, this replica also sends its own votes above it again: a replica that executed a slot already
    /// may still have to vote on it again in a new view for a peer that has not, and it will never ask.
    mutating func announce() {
        let peers = peerStatus.values.filter { $0.view == view && $0.viewActive }.map(\.executedHeight)
        let floor = min(executedHeight, peers.min() ?? executedHeight)
        let stalled = floor == lastAnnouncedFloor
        lastAnnouncedFloor = floor
        sendStatus()
        if !viewActive, let ownViewChange { broadcast(ownViewChange) }
        if viewActive, stalled, let highest = log.keys.max(), highest > floor {
            for sequence in (floor + 1)...min(highest, floor + configuration.watermarkWindow) {
                guard let entry = log[sequence], entry.view == view else { continue }
                if isPrimary, let prePrepare = entry.prePrepare { broadcast(prePrepare) }
                if let prepare = entry.ownPrepare { broadcast(prepare) }
                if let commit = entry.ownCommit { broadcast(commit) }
            }
        }
        if let fetching, now >= fetching.until {
            unhelpful.insert(fetching.peer)
            self.fetching = nil
        }
    }

    /// In a view: a transaction known for `currentTimeout` of this view and still not executed, or a block
    /// executed that long ago and still not certified, means the primary is silent, slow or censoring
    /// (or equivocated, so nothing commits), or too few replicas are in this view. A replica that f+1 peers
    /// report behind is catching up by state transfer instead and does not blame the primary.
    /// Between views: no new-view by the deadline means try the next view.
    mutating func checkTimers() {
        if viewActive {
            let behind = peerStatus.values.count(where: { $0.certifiedHeight > executedHeight }) >= f + 1
            guard !behind else { return }
            let timeout = currentTimeout
            // A block executed here but never certified: too few replicas could execute it in this view
            // (one stuck between views cannot), so a new view must re-propose what they lack.
            let stuckBlock = executedAt[certifiedHeight + 1].map { now >= max($0, viewActivatedAt) + timeout } ?? false
            // A membership change scheduled and its last height not reached: the primary owes empty blocks.
            let stuckChange = membershipEnd.map { executedHeight < $0 && now >= max(lastExecutedTime, viewActivatedAt) + timeout } ?? false
            if stuckBlock || stuckChange || pending.values.contains(where: { now >= max($0.firstSeen, viewActivatedAt) + timeout }) {
                startViewChange(to: view + 1)
            }
        } else if let newViewDeadline, now >= newViewDeadline {
            startViewChange(to: view + 1)
        }
    }
}
