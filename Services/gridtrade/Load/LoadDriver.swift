import Bus
import Contracts
import Foundation
import Histogram
import Messages
import ServiceLifecycle
import Synchronization

/// The load itself, run as a `Service` beside the parties' agents: `clients` closed loops, each
/// trading between its own generator and consumer — the consumer creates an order, the generator
/// confirms it, and the client waits until the desk reports it committed (or failed) before the
/// next. Everything between is the services' and the agents' own work.
struct LoadDriver: Service {
    let parties: LoadParties
    let trades: Int
    let mwh: Double
    let month: DeliveryMonth
    let matching: String
    let review: Upstream
    let stall: Duration
    let progress: Bool
    let result = Result()

    final class Result: Sendable {
        private let value = Mutex<LoadReport?>(nil)
        var report: LoadReport? { value.withLock { $0 } }
        func set(_ report: LoadReport) { value.withLock { $0 = report } }
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await drive() }
    }

    private func drive() async throws {
        let clock = StageClock()
        let reviewClient = try RPCClient(endpoint: review.rpc)
        let subscriber = try EventSubscriber(endpoint: review.events, rpc: reviewClient)
        let finished = Tally()
        let failures = Tally()
        let start = ContinuousClock.now
        let startMs = Date().unixMilliseconds
        let orders = try await withThrowingTaskGroup(of: [OrderID].self) { group in
            group.addTask {
                for try await event in subscriber.subscribe(ReviewAPI.tradeStageChanged) { clock.record(event.body) }
                return []
            }
            if progress {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(500))
                        let done = finished.count
                        let rate = Double(done) / max(0.001, DemoAccount.seconds(ContinuousClock.now - start))
                        let bar = String(repeating: "=", count: 30 * done / max(1, trades)).padding(toLength: 30, withPad: " ", startingAt: 0)
                        FileHandle.standardError.write(Data(String(format: "\rload [%@] %d/%d  %.1f trades/s", bar, done, trades, rate).utf8))
                    }
                    return []
                }
            }
            let clients = parties.pairs.count
            var loops: [Task<[OrderID], Error>] = []
            for (index, pair) in parties.pairs.enumerated() {
                let count = trades / clients + (index < trades % clients ? 1 : 0)
                loops.append(Task {
                    let matchingClient = try RPCClient(endpoint: matching)
                    defer { matchingClient.close() }
                    var mine: [OrderID] = []
                    for _ in 0..<count {
                        let order = try await trade(pair, matching: matchingClient, review: reviewClient, clock: clock, failures: failures)
                        mine.append(order)
                        finished.add()
                    }
                    return mine
                })
            }
            var all: [OrderID] = []
            for loop in loops { all += try await withTaskCancellationHandler { try await loop.value } onCancel: { loop.cancel() } }
            group.cancelAll()
            return all
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = DemoAccount.seconds(ContinuousClock.now - start)
        result.set(LoadReport(orders: orders, clock: clock, startMs: startMs, seconds: seconds, failures: failures.notes, clients: parties.pairs.count))
        reviewClient.close()
    }

    /// One trade from creation to the desk's last word on it.
    private func trade(
        _ pair: LoadParties.Pair, matching: RPCClient, review: RPCClient, clock: StageClock, failures: Tally
    ) async throws -> OrderID {
        let request = CreateOrderRequest(seller: pair.generator.member, buyer: pair.consumer.member, price: 14, monthlySplit: [MonthlyEnergy(month: month, mwh: mwh)])
        let created = try await matching.call(MatchingAPI.createOrder, request, deadline: .seconds(30), signer: pair.consumer)
        _ = try await matching.call(MatchingAPI.confirmOrder, OrderDecision(orderId: created.id), deadline: .seconds(30), signer: pair.generator)
        clock.confirmed(created.id, atMs: Date().unixMilliseconds)
        var lastChange = ContinuousClock.now
        var lastSeen: TradeStage?
        var polled = ContinuousClock.now
        while clock.outcome(created.id) == nil {
            try await Task.sleep(for: .milliseconds(20))
            // Events say when; a lost one is covered by asking the desk now and then.
            if ContinuousClock.now - polled > .seconds(3) {
                polled = ContinuousClock.now
                if let trade = try? await review.call(ReviewAPI.getTrade, TradeQuery(orderId: created.id), deadline: .seconds(10)) {
                    clock.record(trade)
                    if trade.stage != lastSeen {
                        lastSeen = trade.stage
                        lastChange = ContinuousClock.now
                    }
                }
            }
            if ContinuousClock.now - lastChange > stall {
                throw Failure("trade \(created.id): no progress for \(stall); last stage \(lastSeen?.rawValue ?? "confirmed")")
            }
        }
        if let failure = clock.outcome(created.id)?.failure { failures.add("\(created.id): \(failure)") }
        return created.id
    }
}

/// A count and a few notes shared by the load's clients.
final class Tally: Sendable {
    private let state = Mutex<(count: Int, notes: [String])>((0, []))

    var count: Int { state.withLock { $0.count } }
    var notes: [String] { state.withLock { $0.notes } }

    func add(_ note: String? = nil) {
        state.withLock { state in
            state.count += 1
            if let note { state.notes.append(note) }
        }
    }
}
