import Consensus
import Foundation

/// Membership changes as the ledger shell carries them out (`Shared/LedgerCore/MembershipSwitch`,
/// `Services/ledger`): the switch after the last block of a membership, a restart across one,
/// following the chain without a seat, and handing waiting transactions over when voted out.
extension Simulation {
    /// After a node's turn: once its chain has passed the last block of the membership it runs, the
    /// next membership's core takes over (view 0, its keys and quorum, its log one snapshot of the
    /// node's waiting transactions); a node voted out hands those over and follows the chain.
    mutating func switchIfDue(_ index: Int) {
        guard nodes[index].up, scenario.sabotage != .neverSwitch || nodes[index].replica == nil,
              nodes[index].switchCheckedAt != nodes[index].store.count else { return }
        nodes[index].switchCheckedAt = nodes[index].store.count
        let height = UInt64(nodes[index].store.count)
        let next = nodes[index].chain.membership(ordering: height + 1)
        guard next != nodes[index].membership else { return }
        let waiting = nodes[index].replica?.waitingTransactions ?? []
        nodes[index].records = [.snapshot(Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: waiting))]
        nodes[index].loggedBase = next.after
        nodes[index].membership = next
        if let seat = nodes[index].seat {
            nodes[index].replica = makeReplica(index)
            let configuration = configuration(for: next)
            nodes[index].adversary?.enter(configuration, seat: ReplicaID(seat))
        } else {
            nodes[index].replica = nil
            for transaction in waiting { queue.push(.submit(index, transaction), at: now + 1) }
            queue.push(.follow(index), at: now + Self.followInterval)
        }
        if trace { print("\(now) dc\(index) switches to the membership after \(next.after): \(next.seats) (seat \(nodes[index].seat.map(String.init) ?? "none"))") }
        // Every membership orders some transactions: a few arrive as it first takes over.
        if nodes[index].isHonest, switchedTo.insert(next.after).inserted {
            let honestSeats = next.seats.filter { nodes[$0].isHonest }
            for _ in 0..<scenario.transactionsPerSwitch {
                nextClient += 1
                queue.push(.submit(random.element(of: honestSeats), transaction(client: nextClient)), at: now + random.time(in: 20...300))
            }
        }
    }

    /// A crashed node comes back with its records and chain. Records of a membership its chain has
    /// passed are replaced as a switch replaces them, keeping the clients' waiting transactions
    /// (`MembershipSwitch.restartLog`).
    mutating func restart(_ index: Int) {
        nodes[index].up = true
        nodes[index].switchCheckedAt = nil
        let height = UInt64(nodes[index].store.count)
        let membership = nodes[index].chain.membership(ordering: height + 1)
        if membership.after != nodes[index].loggedBase {
            var waiting: [Transaction] = []
            for record in nodes[index].records {
                switch record {
                case .transaction(let transaction): waiting.append(transaction)
                case .snapshot(let snapshot): waiting = snapshot.transactions
                default: break
                }
            }
            var seen = Set<TransactionID>()
            let carried = waiting.filter { !nodes[index].committed.contains($0.id) && seen.insert($0.id).inserted }
            nodes[index].records = [.snapshot(Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: carried))]
            nodes[index].loggedBase = membership.after
        }
        nodes[index].membership = membership
        nodes[index].replica = makeReplica(index)
        if let seat = nodes[index].seat {
            let configuration = configuration(for: membership)
            nodes[index].adversary?.enter(configuration, seat: ReplicaID(seat))
        } else {
            queue.push(.follow(index), at: now + Self.followInterval)
        }
    }

    /// A node without a seat downloads the chain from every node the chain has seated, in turn
    /// (`CatchUpLoop`), checking each block against the membership that certified its height.
    mutating func follow(_ index: Int) {
        guard nodes[index].up, nodes[index].replica == nil, nodes[index].seat == nil else { return }
        var sources: [Int] = []
        for membership in nodes[index].chain.memberships {
            for seat in membership.seats where seat != index && !sources.contains(seat) { sources.append(seat) }
        }
        for source in sources where nodes[source].up && !isCut(index, source) {
            while nodes[index].store.count < nodes[source].store.count {
                let block = nodes[source].store[nodes[index].store.count]
                guard verifies(block, at: index) else { break }
                store(block, at: index)
                switchIfDue(index)
                if nodes[index].seat != nil { return }
            }
        }
        queue.push(.follow(index), at: now + Self.followInterval)
    }

    /// A downloaded block extends the node's chain and carries the certificate of its height's membership.
    func verifies(_ block: CommittedBlock, at index: Int) -> Bool {
        let node = nodes[index]
        let anchor = node.store.last.map { ChainAnchor(height: $0.height, headerHash: $0.certificate.headerHash) } ?? .genesis
        let membership = node.chain.membership(ordering: block.height)
        if case .success = ChainVerifier.verify(blocks: [block], verifier: keys.verifier(seats: membership.seats), after: anchor) { return true }
        return false
    }

    /// The scenario's change number `position`, as a client's transaction, once the change before it
    /// is in force at some honest node (a second change is not decided while one is pending).
    mutating func submitChange(_ position: Int) {
        let inForce = nodes.filter(\.isHonest).map { node in
            node.chain.memberships.count(where: { $0.after < UInt64(node.store.count) + 1 })
        }.max() ?? 1
        guard inForce >= position + 1 else {
            queue.push(.change(position), at: now + 100)
            return
        }
        let change = scenario.membershipChanges[position]
        let request: MembershipRequest = change.kind == .admit ? .admit(change.node) : .remove(change.node)
        let transaction = SimulatedTransactionVerifier.transaction(client: 900_000 + UInt64(position), payload: request.payload)
        let ordering = nodes.indices.filter { nodes[$0].isOrdering && nodes[$0].isHonest }
        guard !ordering.isEmpty else {
            queue.push(.change(position), at: now + 100)
            return
        }
        changesSubmitted += 1
        queue.push(.submit(random.element(of: ordering), transaction), at: now)
    }
}
