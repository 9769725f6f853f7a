import Consensus
import Foundation

/// Stale and forged view changes and new-views (`replay`), and new-view equivocation (`splitNewView`).
extension Adversary {
    static let capturedLimit = 400

    /// Keeps view changes and new-views, with the membership they were signed in (as far as this
    /// node can tell: the one it runs when it sees them).
    mutating func capture(_ message: SignedMessage) {
        switch message.message {
        case .viewChange, .newView: break
        default: return
        }
        let base = configuration.baseHeight
        guard !captured.contains(where: { $0.base == base && $0.message == message }) else { return }
        captured.append((base, message))
        if captured.count > Self.capturedLimit { captured.removeFirst(captured.count - Self.capturedLimit) }
    }

    /// Captured view changes for `view` from other senders, at most one per sender, `stale` ones
    /// (from another membership) or those of this membership.
    func capturedChanges(for view: UInt64, stale: Bool) -> [SignedMessage] {
        var bySender: [ReplicaID: SignedMessage] = [:]
        for (base, message) in captured where (base != configuration.baseHeight) == stale && message.sender != id {
            guard case .viewChange(let change) = message.message, change.newView == view else { continue }
            // Only view changes that carry nothing can pass in another membership; prefer those.
            if let known = bySender[message.sender], known.viewChangeBody.map(Self.carriesNothing) == true { continue }
            bySender[message.sender] = message
        }
        return bySender.values.sorted { $0.sender < $1.sender }
    }

    static func carriesNothing(_ change: ViewChange) -> Bool { change.checkpoint == nil && change.prepared.isEmpty }

    /// A new-view for `view` led by this node from `changes` plus its own view change that carries
    /// nothing, with the pre-prepares the plan implies (so it passes every check but the signatures').
    func newView(_ view: UInt64, from changes: [SignedMessage]) -> SignedMessage {
        let own = sign(.viewChange(ViewChange(newView: view, checkpoint: nil, prepared: [])))
        let all = (changes + [own]).sorted { $0.sender < $1.sender }
        let plan = NewViewPlan(view: view, primary: id, viewChanges: all.compactMap(\.viewChangeBody), baseHeight: configuration.baseHeight)
        let prePrepares = plan.batches.map { sign(.prePrepare(PrePrepare(view: view, sequence: $0.sequence, batch: $0.batch))) }
        return sign(.newView(NewView(view: view, viewChanges: all, prePrepares: prePrepares)))
    }

    /// The next view above `view` this node leads in its membership.
    func nextLedView(after view: UInt64) -> UInt64 {
        let n = UInt64(configuration.replicaCount)
        let position = UInt64(id.index)
        let candidate = view / n * n + position
        return candidate > view ? candidate : candidate + n
    }

    /// While its own view is under way, its core's new-view and pre-prepares for that view stay home.
    func isHeldBack(_ message: SignedMessage) -> Bool {
        guard let view = attacks[configuration.baseHeight] else { return false }
        switch message.message {
        case .newView(let newView): return newView.view == view
        case .prePrepare(let proposal): return proposal.view == view
        default: return false
        }
    }

    /// Once the membership it runs is ordering (an honest replica's commit above its base height:
    /// some replicas are about to execute that batch, others may not have it yet), a replaying
    /// node that leads some later view and holds view changes of an earlier membership for it from
    /// a quorum's worth of others starts that view: it sends those view changes (f + 1 of them make
    /// honest replicas join), a new-view built from them, and empty batches at every sequence
    /// number in the window, contradicting whatever the honest replicas were ordering.
    mutating func replayAttack(after message: SignedMessage, context: AdversaryContext) -> [Emission] {
        let base = configuration.baseHeight
        guard case .commit(let vote) = message.message, vote.sequence > base, attacks[base] == nil else { return [] }
        var view = nextLedView(after: context.view)
        var stale: [SignedMessage] = []
        // Views it leads, up to a few rounds ahead.
        for _ in 0..<8 {
            stale = capturedChanges(for: view, stale: true).filter { $0.viewChangeBody.map(Self.carriesNothing) == true }
            if stale.count >= configuration.quorum - 1 { break }
            view += UInt64(configuration.replicaCount)
        }
        guard stale.count >= configuration.quorum - 1 else { return [] }
        attacks[base] = view
        counts["replayed view changes as a new view's primary", default: 0] += 1
        let newView = newView(view, from: Array(stale.prefix(configuration.quorum - 1)))
        let low = max(base, context.certifiedHeight / configuration.checkpointInterval * configuration.checkpointInterval)
        let batches = (low + 1...low + configuration.watermarkWindow).map { sequence in
            let batch = Batch(view: view, proposer: id, timestamp: context.clock + sequence, nonce: 0xBAD0_0000 + sequence, transactions: [])
            return sign(.prePrepare(PrePrepare(view: view, sequence: sequence, batch: batch)))
        }
        attackBatches = (batches, context.clock + 3 * configuration.viewChangeTimeout)
        return stale.map { Emission(to: nil, message: $0) } + [Emission(to: nil, message: newView, extraDelay: 5)]
            + batches.map { Emission(to: nil, message: $0, extraDelay: 15) }
    }

    /// Each tick, with probability 0.3: a captured view change or new-view sent again (from an
    /// earlier view or membership), a view change of its own re-signing captured (stale)
    /// checkpoints and prepared certificates, or a new-view of a view it leads built from captured
    /// view changes, to everyone or to one replica. And the running attack's batches again.
    mutating func replayJunk(context: AdversaryContext, random: inout SeededRandom) -> [Emission] {
        var emissions: [Emission] = []
        if let (batches, until) = attackBatches {
            if context.clock < until { emissions += batches.map { Emission(to: nil, message: $0) } } else { attackBatches = nil }
        }
        guard random.chance(0.3), !captured.isEmpty else { return emissions }
        let target: ReplicaID? = random.chance(0.5) ? nil : random.element(of: configuration.replicas.filter { $0 != id })
        let pick = captured[random.int(in: 0...(captured.count - 1))].message
        let message: SignedMessage
        switch random.int(in: 0...3) {
        case 0, 1:
            message = pick
            counts["replayed a captured view change or new-view", default: 0] += 1
        case 2:
            guard case .viewChange(let change) = pick.message else { return emissions }
            message = sign(.viewChange(ViewChange(newView: context.view + UInt64(random.int(in: 1...3)), checkpoint: change.checkpoint, prepared: change.prepared)))
            counts["forged a view change from captured proofs", default: 0] += 1
        default:
            let view = nextLedView(after: context.view)
            let changes = capturedChanges(for: view, stale: random.chance(0.5))
            message = newView(view, from: Array(changes.prefix(configuration.quorum - 1)))
            counts["forged a new-view from captured view changes", default: 0] += 1
        }
        return emissions + [Emission(to: target, message: message)]
    }

    /// A new view's primary that equivocates inside it: different replicas get new-views built from
    /// different quorums of view changes (the same checks pass, the batches they carry may differ).
    /// With more view changes than a quorum at hand, half the replicas get its core's new-view and
    /// half another at once; with just a quorum, the replicas whose view change it lacks are kept
    /// waiting, and get a new-view built with theirs when it comes (or its core's, after four
    /// view-change timeouts).
    mutating func split(_ message: SignedMessage, _ newView: NewView, random: inout SeededRandom) -> [Emission] {
        let others = random.shuffled(configuration.replicas.filter { $0 != id })
        let used = Set(newView.viewChanges.map(\.sender))
        let extra = capturedChanges(for: newView.view, stale: false).filter { !used.contains($0.sender) }
        if let change = extra.first, let other = alternative(to: newView, with: change) {
            let half = random.int(in: 1...(others.count - 1))
            counts["split a new-view between two quorums of view changes", default: 0] += 1
            return others.enumerated().map { Emission(to: $0.element, message: $0.offset < half ? message : other) }
        }
        let missing = others.filter { !used.contains($0) }
        let heldOut = missing.isEmpty ? [others[0]] : missing
        pendingSplit = (configuration.baseHeight, newView, message, heldOut, nil)
        return others.filter { !heldOut.contains($0) }.map { Emission(to: $0, message: message) }
    }

    /// A new-view for the same view from another quorum: its own view change, `change`, and others of
    /// `newView`'s; nil if that makes the same new-view.
    func alternative(to newView: NewView, with change: SignedMessage) -> SignedMessage? {
        guard let own = newView.viewChanges.first(where: { $0.sender == id }) else { return nil }
        let rest = newView.viewChanges.filter { $0.sender != id }.dropLast()
        let quorum = ([own, change] + rest).prefix(configuration.quorum).sorted { $0.sender < $1.sender }
        guard quorum.count == configuration.quorum, quorum != newView.viewChanges else { return nil }
        let plan = NewViewPlan(view: newView.view, primary: id, viewChanges: quorum.compactMap(\.viewChangeBody), baseHeight: configuration.baseHeight)
        let prePrepares = plan.batches.map { sign(.prePrepare(PrePrepare(view: newView.view, sequence: $0.sequence, batch: $0.batch))) }
        return sign(.newView(NewView(view: newView.view, viewChanges: quorum, prePrepares: prePrepares)))
    }

    /// A held-out replica's view change arrived: it gets a new-view built with it.
    mutating func completeSplit(with message: SignedMessage) -> [Emission] {
        guard let pending = pendingSplit, pending.base == configuration.baseHeight, case .viewChange(let change) = message.message,
              change.newView == pending.newView.view, pending.heldOut.contains(message.sender),
              let other = alternative(to: pending.newView, with: message) else { return [] }
        pendingSplit = nil
        counts["split a new-view between two quorums of view changes", default: 0] += 1
        return pending.heldOut.map { Emission(to: $0, message: other) }
    }

    /// Four view-change timeouts without a held-out replica's view change: it gets the core's new-view.
    mutating func flushSplit(clock: UInt64) -> [Emission] {
        guard var pending = pendingSplit else { return [] }
        guard pending.base == configuration.baseHeight else {
            pendingSplit = nil
            return []
        }
        let since = pending.since ?? clock
        pending.since = since
        pendingSplit = pending
        guard clock >= since + 4 * configuration.viewChangeTimeout else { return [] }
        pendingSplit = nil
        counts["held a new-view back from some replicas", default: 0] += 1
        return pending.heldOut.map { Emission(to: $0, message: pending.message) }
    }
}

extension SignedMessage {
    var viewChangeBody: ViewChange? {
        if case .viewChange(let change) = message { return change }
        return nil
    }
}
