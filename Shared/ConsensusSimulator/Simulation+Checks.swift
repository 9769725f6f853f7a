import Consensus
import Foundation

/// The properties a run must keep (see `Violation.Property`).
extension Simulation {
    /// A block stored at a node, by its core or by download: heights in order, the chain's rules
    /// applied, and among honest nodes one certified block per height.
    mutating func store(_ block: CommittedBlock, at index: Int) {
        let expected = UInt64(nodes[index].store.count) + 1
        guard block.height == expected else {
            violations.append(Violation(property: .order, detail: "dc\(index) committed height \(block.height) when \(expected) was next"))
            return
        }
        nodes[index].store.append(block)
        for (position, transaction) in block.block.transactions.enumerated() {
            nodes[index].committed.insert(transaction.id)
            _ = nodes[index].chain.apply(transaction, at: TransactionLocation(height: block.height, index: position))
        }
        guard nodes[index].isHonest else { return }
        let hash = block.certificate.headerHash
        if let known = decided[block.height] {
            if known.hash != hash {
                violations.append(Violation(property: .safety, detail: "height \(block.height): dc\(known.node) committed \(known.hash), dc\(index) committed \(hash)"))
            }
        } else {
            decided[block.height] = (hash, index)
        }
    }

    /// What an honest node signs: its header votes say which block it executed at each height, and
    /// two honest nodes executing different blocks at one height is a failure of agreement even
    /// when no certificate ever forms for one of them.
    mutating func observe(_ message: SignedMessage, from index: Int) {
        guard case .headerVote(let vote) = message.message else { return }
        if let known = executed[vote.height] {
            if known.hash != vote.headerHash, !violations.contains(where: { $0.property == .agreement }) {
                violations.append(Violation(property: .agreement, detail: "height \(vote.height): dc\(known.node) executed \(known.hash), dc\(index) executed \(vote.headerHash)"))
            }
        } else {
            executed[vote.height] = (vote.headerHash, index)
        }
    }

    /// An honest node answers a client: the transaction is at `location` of its stored chain, and no
    /// honest node ever answers another location.
    mutating func acknowledge(_ id: TransactionID, at location: TransactionLocation, by index: Int) {
        if !holds(nodes[index].store, id, at: location) {
            violations.append(Violation(property: .acknowledgement, detail: "dc\(index) answered \(id) at \(location.height):\(location.index), which its chain does not hold"))
        }
        if let known = acknowledged[id] {
            if known.location != location {
                violations.append(Violation(property: .acknowledgement, detail: "\(id): dc\(known.node) answered \(known.location.height):\(known.location.index), dc\(index) \(location.height):\(location.index)"))
            }
        } else {
            acknowledged[id] = (location, index)
        }
    }

    func holds(_ store: [CommittedBlock], _ id: TransactionID, at location: TransactionLocation) -> Bool {
        guard location.height >= 1, location.height <= UInt64(store.count) else { return false }
        let transactions = store[Int(location.height) - 1].block.transactions
        return transactions.indices.contains(location.index) && transactions[location.index].id == id
    }

    /// At the end: every honest chain verifies membership by membership, holds every answered
    /// transaction where it was answered (once it is that long), and, unless the run stopped on
    /// liveness, has everything.
    mutating func check() {
        for node in nodes where node.isHonest {
            if let defect = chainDefect(node) { violations.append(Violation(property: .certificate, detail: "dc\(node.id)'s chain: \(defect)")) }
            for (id, answer) in acknowledged.sorted(by: { $0.value.location.height < $1.value.location.height })
            where answer.location.height <= UInt64(node.store.count) && !holds(node.store, id, at: answer.location) {
                violations.append(Violation(property: .acknowledgement, detail: "dc\(answer.node) answered \(id) at \(answer.location.height):\(answer.location.index); dc\(node.id)'s chain holds something else there"))
                break
            }
        }
        guard !livenessReached else { return }
        let memberships = clusterMemberships
        let missing = nodes.filter(\.isHonest).map { node in
            guard node.up else { return "dc\(node.id) down" }
            if isStranded(node, memberships) { return "dc\(node.id) stranded (excused)" }
            let role = node.replica.map { "view \($0.view)\($0.viewActive ? "" : " changing")" } ?? "following"
            return "dc\(node.id) lacks \(live.subtracting(node.committed).count) (height \(node.store.count), membership after \(node.membership.after), \(role)\(isSettled(node) ? "" : ", change pending"))"
        }
        let changes = changesSubmitted < scenario.membershipChanges.count ? "; \(scenario.membershipChanges.count - changesSubmitted) membership change(s) never submitted" : ""
        violations.append(Violation(property: .liveness, detail: "of \(live.count) transactions by \(now) ms: " + missing.joined(separator: ", ") + changes))
    }

    /// Why a node's chain does not verify: each membership's blocks against its keys, linked to the
    /// block before; no transaction twice anywhere.
    func chainDefect(_ node: SimulatedNode) -> String? {
        var anchor = ChainAnchor.genesis
        let memberships = node.chain.memberships
        for (position, membership) in memberships.enumerated() {
            let end = position + 1 < memberships.count ? memberships[position + 1].after : UInt64.max
            let blocks = node.store.filter { $0.height > membership.after && $0.height <= end }
            guard !blocks.isEmpty else { continue }
            let result = ChainVerifier.verify(blocks: blocks, verifier: keys.verifier(seats: membership.seats), transactionVerifier: SimulatedTransactionVerifier(), after: anchor)
            switch result {
            case .failure(let defect): return "\(defect)"
            case .success(let summary): anchor = ChainAnchor(height: summary.lastHeight, headerHash: summary.lastHeaderHash)
            }
        }
        var seen = Set<TransactionID>()
        for block in node.store {
            for transaction in block.block.transactions where !seen.insert(transaction.id).inserted {
                return "transaction \(transaction.id) twice (again at height \(block.height))"
            }
        }
        return nil
    }
}
