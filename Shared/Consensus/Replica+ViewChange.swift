/// View changes (Castro & Liskov section 4.4, the signed variant): leave a silent, slow or equivocating
/// primary's view, carry every prepared batch into the next view, fill the gaps with empty batches.
extension Replica {
    /// Leaves the current view for `newView` and stops taking part in older views for good.
    mutating func startViewChange(to newView: UInt64) {
        guard newView > view else { return }
        view = newView
        viewActive = false
        failedViews += 1
        newViewDeadline = nil
        proposed = []
        proposalsInView = 0
        let prepared = log.filter { $0.key > lowWatermark }.sorted { $0.key < $1.key }.compactMap(\.value.prepared)
        let message = sign(.viewChange(ViewChange(newView: newView, checkpoint: stableCheckpoint, prepared: prepared)))
        ownViewChange = message
        persist(.viewChange(message))
        broadcast(message)
        outbox.append(.viewChanged(view: view, primary: primary, active: false))
        viewChanges = viewChanges.filter { $0.key >= newView }
        viewChanges[newView, default: [:]][id] = message
        progressViewChange()
    }

    mutating func receiveViewChange(_ change: ViewChange, _ message: SignedMessage) {
        if change.newView < view || (change.newView == view && viewActive) {
            // The sender is behind: the new-view that started this view lets it catch up.
            if viewActive { resendNewView(to: message.sender) }
            return
        }
        guard ViewChangeCheck(configuration: configuration, verifier: verifier).isValid(change) else { return }
        viewChanges[change.newView, default: [:]][message.sender] = message
        forgetFarViewChanges(of: message.sender)
        // f+1 replicas want a later view, so at least one correct one does: join the smallest such view
        // rather than wait for this replica's own timer.
        var wanted: [ReplicaID: UInt64] = [:]
        for (target, senders) in viewChanges where target > view {
            for sender in senders.keys where sender != id { wanted[sender] = max(wanted[sender] ?? 0, target) }
        }
        if wanted.count >= f + 1, let target = wanted.values.min() {
            startViewChange(to: target)
            return
        }
        progressViewChange()
    }

    /// Views above the current one for which every sender's view change is kept: a full turn of
    /// primaries. Beyond it only each sender's highest is kept, which is all the f+1 rule reads.
    public static func viewChangeHorizon(for configuration: Configuration) -> UInt64 { UInt64(configuration.replicaCount) }

    /// The most view changes a replica keeps: per sender, one for each view from the current one
    /// to the horizon and its highest beyond.
    public static func maxViewChangesKept(for configuration: Configuration) -> Int {
        configuration.replicaCount * (Int(viewChangeHorizon(for: configuration)) + 2)
    }

    /// Bounds what one sender's view changes hold here. An honest replica never runs a whole turn
    /// of primaries ahead of another without the f+1 rule pulling the other along, and it sends its
    /// current view change again with every status; a faulty one may sign view changes for any
    /// number of future views. Those past the horizon, other than its highest, are dropped (as a
    /// lost message would be).
    mutating func forgetFarViewChanges(of sender: ReplicaID) {
        let horizon = view + Self.viewChangeHorizon(for: configuration)
        let far = viewChanges.compactMap { $0.key > horizon && $0.value[sender] != nil ? $0.key : nil }
        guard let highest = far.max() else { return }
        for target in far where target != highest {
            viewChanges[target]?[sender] = nil
            if viewChanges[target]?.isEmpty == true { viewChanges[target] = nil }
        }
    }

    /// How often a peer still in an earlier view is sent the new-view that started this one: half a
    /// view-change timeout. It asks with every status and with every view change it sends, and a
    /// new-view carries 2f+1 view changes with their prepared batches (megabytes under load):
    /// sent at each, a data center back from a pause got several a second from every peer, more
    /// than it could take in. One lost is sent again at the next interval.
    var newViewResendInterval: UInt64 { max(configuration.statusInterval, configuration.viewChangeTimeout / 2) }

    /// Sends the installed new-view to a peer in an earlier view, unless it was sent to it within the interval.
    mutating func resendNewView(to peer: ReplicaID) {
        guard let newView = installedNewView else { return }
        if let last = newViewSentAt[peer], now < last + newViewResendInterval { return }
        newViewSentAt[peer] = now
        send(newView, to: peer)
    }

    /// With 2f+1 view changes for the pending view, start waiting for its new-view (or, as its primary, send it).
    mutating func progressViewChange() {
        guard !viewActive, let changes = viewChanges[view], changes.count >= quorum else { return }
        if newViewDeadline == nil { newViewDeadline = now + currentTimeout }
        guard isPrimary else { return }
        let messages = changes.values.sorted { $0.sender < $1.sender }
        let plan = NewViewPlan(view: view, primary: id, viewChanges: messages.compactMap(\.viewChange), baseHeight: configuration.baseHeight)
        let prePrepares = plan.batches.map { sign(.prePrepare(PrePrepare(view: view, sequence: $0.sequence, batch: $0.batch))) }
        let newView = sign(.newView(NewView(view: view, viewChanges: messages, prePrepares: prePrepares)))
        install(newView, plan: plan, prePrepares: prePrepares)
        broadcast(newView)
    }

    mutating func receiveNewView(_ newView: NewView, _ message: SignedMessage) {
        guard message.sender == configuration.primary(of: newView.view),
              newView.view > view || (newView.view == view && !viewActive) else { return }
        let check = ViewChangeCheck(configuration: configuration, verifier: verifier)
        var senders = Set<ReplicaID>()
        var changes: [ViewChange] = []
        for change in newView.viewChanges {
            guard senders.insert(change.sender).inserted, change.isAuthentic(verifier, domain: configuration.signingDomain),
                  let decoded = change.viewChange, decoded.newView == newView.view, check.isValid(decoded) else { return }
            changes.append(decoded)
        }
        guard changes.count >= quorum else { return }
        // The pre-prepares must be exactly the ones the view changes imply.
        let plan = NewViewPlan(view: newView.view, primary: message.sender, viewChanges: changes, baseHeight: configuration.baseHeight)
        guard plan.batches.count == newView.prePrepares.count else { return }
        for (expected, proposal) in zip(plan.batches, newView.prePrepares) {
            guard proposal.sender == message.sender, proposal.isAuthentic(verifier, domain: configuration.signingDomain),
                  case .prePrepare(let decoded) = proposal.message,
                  decoded.view == newView.view, decoded.sequence == expected.sequence, decoded.batch == expected.batch else { return }
        }
        view = newView.view
        install(message, plan: plan, prePrepares: newView.prePrepares)
    }

    /// Enters the new-view's view with its pre-prepares (backups send their prepares for them).
    mutating func install(_ message: SignedMessage, plan: NewViewPlan, prePrepares: [SignedMessage]) {
        view = plan.view
        viewActive = true
        viewActivatedAt = now
        ownViewChange = nil
        installedNewView = message
        newViewSentAt = [:]
        newViewDeadline = nil
        proposed = []
        proposalsInView = 0
        viewChanges = viewChanges.filter { $0.key > view }
        persist(.newView(message))
        outbox.append(.viewChanged(view: view, primary: primary, active: true))
        // The new view starts above its checkpoint: a replica behind it takes the proof as its own low
        // watermark (and fetches the blocks below), so its window and later view changes match everyone's.
        if let checkpoint = plan.checkpoint { adoptCheckpoint(checkpoint) }
        for (slot, proposal) in zip(plan.batches, prePrepares) where slot.sequence > lowWatermark {
            accept(proposal, batch: slot.batch, sequence: slot.sequence)
            lastProposalTimestamp = max(lastProposalTimestamp, slot.batch.timestamp)
        }
        nextSequence = max(plan.lastSequence + 1, executedHeight + 1)
        forwardWaitingTransactions(force: true)
    }
}

extension SignedMessage {
    var viewChange: ViewChange? {
        if case .viewChange(let change) = message { return change }
        return nil
    }
}
