import DispatchCore
import Messages
import Testing

@Suite("Rebuilding the network from the stored results after a restart")
struct ReplayTests {
    /// Three stacked orders (the second over two months) and one never placed, as the service stores them.
    func history(on network: DispatchNetwork) -> (results: [SecurityCheckResult], load: NetworkLoad) {
        var load = NetworkLoad()
        var results: [SecurityCheckResult] = []
        let orders: [(TradeOnNetwork, Int?, Int?)] = [
            (Case30.trade("a", mw: [Case30.january: 60]), 1, 4),
            (Case30.trade("b", mw: [Case30.january: 60, Case30.february: 90]), 2, 4),
            (Case30.trade("lost", mw: [Case30.january: 5]), nil, 4),
            (Case30.trade("c", mw: [Case30.january: 60]), 3, 4),
        ]
        for (seq, (trade, seller, buyer)) in orders.enumerated() {
            let placement = DispatchRules.place(trade, sellerBus: seller, buyerBus: buyer, on: load, network: network)
            results.append(placement.result(reviewSeq: Int64(seq + 1), network: network, checkedAtMs: 0, checker: "m-dc"))
            load = placement.load
        }
        return (results, load)
    }

    @Test("replaying the stored results rebuilds the load they were placed on: the next order gets what it would have got")
    func reproduces() throws {
        let network = try Case30.network()
        let (results, load) = history(on: network)
        #expect(results.contains { $0.status != .accepted }, "the stack must bind")
        let replayed = try DispatchRules.replay(results, on: network)
        #expect(replayed.loadedMonths == load.loadedMonths)
        for month in load.loadedMonths {
            let kept = try #require(load.flowsMW(in: month)), again = try #require(replayed.flowsMW(in: month))
            #expect(zip(kept, again).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        let next = Case30.trade("d", mw: [Case30.january: 30, Case30.february: 30])
        let onKept = DispatchRules.place(next, sellerBus: 2, buyerBus: 4, on: load, network: network)
        let onReplayed = DispatchRules.place(next, sellerBus: 2, buyerBus: 4, on: replayed, network: network)
        #expect(zip(onKept.months, onReplayed.months).allSatisfy { abs($0.acceptedMw - $1.acceptedMw) < 1e-9 })
        // Nothing stored: nothing on the network.
        #expect(try DispatchRules.replay([], on: network).loadedMonths.isEmpty)
    }

    @Test("results checked on another case file are a mismatch; results never placed are skipped whatever case they cite")
    func otherCase() throws {
        let network = try Case30.network()
        let (results, _) = history(on: network)
        // The operator tightened a line: another file, another hash.
        let tightened = try Case30.text().replacingOccurrences(of: "\t2\t4\t0.06\t0.17\t0.02\t65\t65\t65", with: "\t2\t4\t0.06\t0.17\t0.02\t20\t20\t20")
        #expect(tightened != (try Case30.text()))
        let changed = NetworkIdentity(name: "case30", sha256: String(repeating: "4", count: 64))
        let other = try DispatchNetwork(caseText: tightened, identity: changed, nMinus1: true)
        #expect(throws: ReplayMismatch.otherCase(orderId: "a", stored: Case30.identity, current: changed)) {
            try DispatchRules.replay(results, on: other)
        }
        let unplaced = results.filter { $0.reason != nil }
        #expect(unplaced.count == 1)
        #expect(try DispatchRules.replay(unplaced, on: other).loadedMonths.isEmpty)
    }

    @Test("a stored result the case no longer reproduces is a mismatch naming the order and month")
    func notReproduced() throws {
        let network = try Case30.network()
        var (results, _) = history(on: network)
        results[1].months[1].acceptedMw += 1
        do {
            _ = try DispatchRules.replay(results, on: network)
            Issue.record("replay accepted a result it does not reproduce")
        } catch {
            guard case let .notReproduced(order, checkedOn, month, stored, replayed) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(order == "b" && checkedOn == "case30" && month == Case30.february && abs(stored - replayed - 1) < 1e-9)
            // The words docs/protocol.md quotes for a dispatch that will not start.
            #expect(error.description.hasPrefix("order b, checked on case case30, does not give the same result on this case file"))
        }
        // A stored placed result whose buses the case no longer has.
        var moved = history(on: network).results
        moved[0].sellerBus = 999
        #expect(throws: ReplayMismatch.self) { try DispatchRules.replay(moved, on: network) }
    }
}
