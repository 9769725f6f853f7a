import Foundation
import ServiceLifecycle

/// Feeds the core's clock.
struct LedgerClock: Service {
    let node: LedgerNode
    let every: Duration

    func run() async throws {
        try await untilGracefulShutdown { [node, every] in
            while true {
                node.tick(nowMilliseconds: UInt64(clamping: Date().unixMilliseconds))
                try await Task.sleep(for: every)
            }
        }
    }
}
