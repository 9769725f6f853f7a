import Bus
import Contracts
import Foundation
import Messages
import Synchronization

/// When each trade of the load reached each stage, from the desk's `TradeStageChanged` events
/// (the desk's clock, `updated_at_ms`), and which trades are done (committed or failed).
final class StageClock: Sendable {
    private struct State {
        var times: [OrderID: [TradeStage: Int64]] = [:]
        var done: [OrderID: TradeProgress] = [:]
    }

    private let state = Mutex(State())

    func record(_ progress: TradeProgress) {
        state.withLock { state in
            if progress.failure == nil { state.times[progress.orderId, default: [:]][progress.stage] = progress.updatedAtMs }
            if progress.failure != nil || progress.stage == .committed { state.done[progress.orderId] = progress }
        }
    }

    func confirmed(_ order: OrderID, atMs: Int64) {
        state.withLock { $0.times[order, default: [:]][.confirmed] = atMs }
    }

    func outcome(_ order: OrderID) -> TradeProgress? { state.withLock { $0.done[order] } }

    func times(_ order: OrderID) -> [TradeStage: Int64] { state.withLock { $0.times[order] ?? [:] } }
}
