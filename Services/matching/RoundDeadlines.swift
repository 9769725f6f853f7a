import Foundation
import Logging
import MatchingCore
import Messages
import ServiceLifecycle
import Storage

/// Closes every round at its deadline, also those a previous run left open (at once if past),
/// as a `Service` of the process's group. `openRound` hands it each new round; each round waits
/// in its own child task, so one slow close does not hold up another's deadline. A close that
/// fails (the registry away, say) is tried again after `RoundRetry`'s wait, until it succeeds or
/// the service shuts down; an interrupted close is safe, as the next start closes the round.
struct RoundDeadlines: Service {
    let store: SQLiteStore
    let closer: RoundCloser
    let logger: Logger
    private let opened: AsyncStream<RoundID>
    private let open: AsyncStream<RoundID>.Continuation

    init(store: SQLiteStore, closer: RoundCloser, logger: Logger) {
        self.store = store
        self.closer = closer
        self.logger = logger
        (opened, open) = AsyncStream.makeStream(of: RoundID.self)
    }

    /// Has the round closed at its deadline. Safe to call before `run` starts, and twice for one
    /// round: the close is one transaction that first checks the round is still open.
    func schedule(_ roundID: RoundID) {
        open.yield(roundID)
    }

    func run() async throws {
        // Left open by a previous run. A round opened meanwhile may arrive from both sides; see `schedule`.
        let leftOpen = try await store.read { try MatchingStore.openRounds($0) }
        await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { group in
                for round in leftOpen {
                    group.addTask { await closeAtDeadline(round.id) }
                }
                for await id in opened {
                    group.addTask { await closeAtDeadline(id) }
                }
            }
        }
    }

    private func closeAtDeadline(_ id: RoundID) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                switch try await closer.close(id) {
                case .closed:
                    return
                case let .notDue(untilMs):
                    failures = 0
                    try await Task.sleep(for: .milliseconds(max(0, untilMs - Date().unixMilliseconds)))
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                let delay = RoundRetry.delay(afterFailures: failures)
                logger.error("round failed to close; retrying", metadata: ["round.id": "\(id)", "error": "\(error)", "retry.after": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }
}
