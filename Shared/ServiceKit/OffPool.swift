import Dispatch

/// Runs CPU-heavy or blocking work (the exact game over up to 2^20 coalitions, the N-1 check)
/// away from Swift's cooperative pool, which has one thread per core: a long computation there
/// would stall every request handler and socket hand-off of the process meanwhile.
///
/// The work runs on one serial dispatch queue of the process, so jobs run one at a time, each on
/// a thread that is not one of the pool's; the caller's task suspends until the result is in.
/// The work is not interrupted if the caller is cancelled: it runs to the end and its result is
/// dropped.
public enum OffPool {
    private static let queue = DispatchQueue(label: "gridtrade.off-pool", qos: .userInitiated)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
