import Bus
import Foundation

/// What one look at a stage found.
enum Look<Value: Sendable>: Sendable {
    case done(Value)
    /// Not there yet; `state` says what was seen (a change of it counts as progress).
    case waiting(String)
    /// It will never get there.
    case failed(String)
}

/// The demo's waits: each waits for as long as the cluster makes progress, so a loaded 2-core CI
/// machine is never cut short, and fails with the stage's name and the last state seen once
/// nothing has changed for `stall` (or after `total` in all).
struct DemoWait: Sendable {
    /// With no change of the state seen for this long, the stage has stalled.
    var stall: Duration = .seconds(180)
    /// However much progress, a stage never takes longer than this.
    var total: Duration = .seconds(900)
    var every: Duration = .milliseconds(150)

    func until<Value: Sendable>(_ stage: String, _ look: () async throws -> Look<Value>) async throws -> Value {
        let start = ContinuousClock.now
        var lastChange = start
        var last = "nothing yet"
        while true {
            let seen: Look<Value>
            do {
                seen = try await look()
            } catch let error as RPCError where Self.isTransient(error) {
                // A service restarting or slow: not a failure of the stage, and not progress either.
                seen = .waiting("\(last) (then: \(error))")
            }
            switch seen {
            case .done(let value):
                return value
            case .failed(let reason):
                throw Failure("\(stage): \(reason)")
            case .waiting(let state):
                let now = ContinuousClock.now
                if state != last {
                    last = state
                    lastChange = now
                }
                if now - lastChange >= stall {
                    throw Failure("\(stage): no progress for \(Self.seconds(now - lastChange)); last seen: \(last)")
                }
                if now - start >= total {
                    throw Failure("\(stage): not done after \(Self.seconds(now - start)); last seen: \(last)")
                }
            }
            try await Task.sleep(for: every)
        }
    }

    /// Calls a service, retrying while it is away or slow (for as long as `until` would wait),
    /// and names the stage and the call in any refusal.
    func call<Value: Sendable>(_ stage: String, _ what: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await until(stage) { () async throws -> Look<Value> in .done(try await body()) }
        } catch let error as RPCError {
            throw Failure("\(stage): \(what) refused: \(error)")
        }
    }

    static func isTransient(_ error: RPCError) -> Bool { [.unavailable, .deadlineExceeded].contains(error.code) }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
