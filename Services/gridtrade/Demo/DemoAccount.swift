import Foundation
import Synchronization

/// The human account of a demo run: one line per stage, with the time since the start and how
/// long the stage itself took. Silent with `--json` (stdout then carries only the JSON).
final class DemoAccount: Sendable {
    let start = ContinuousClock.now
    let quiet: Bool
    private let lastMark: Mutex<ContinuousClock.Instant>

    init(quiet: Bool) {
        self.quiet = quiet
        lastMark = Mutex(start)
    }

    /// A stage done now: `[ total s | +stage s] stage  text`.
    func stage(_ name: String, _ text: String) {
        let now = ContinuousClock.now
        let previous = lastMark.withLock { mark in
            defer { mark = now }
            return mark
        }
        say(String(format: "[%6.1f s  +%5.1f s] ", Self.seconds(now - start), Self.seconds(now - previous)) + name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + text)
    }

    /// A line under the last stage, without a time.
    func detail(_ text: String) { say(String(repeating: " ", count: 22) + "           " + text) }

    func say(_ line: String) {
        guard !quiet else { return }
        // Unbuffered, so a pipe (`| tee`) shows each stage as it happens.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    var elapsed: Double { Self.seconds(ContinuousClock.now - start) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
