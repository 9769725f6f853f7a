/// How long a round that could not be closed (the registry away at its deadline, the store
/// busy) waits before the next try. A round must close in the end, so it never gives up: the
/// wait starts at half a second and doubles up to ten seconds.
public enum RoundRetry {
    public static let first: Duration = .milliseconds(500)
    public static let longest: Duration = .seconds(10)

    /// The wait after `failures` failed tries in a row (1 for the first failure).
    public static func delay(afterFailures failures: Int) -> Duration {
        var delay = first
        for _ in 1..<max(1, failures) {
            delay = delay * 2
            if delay >= longest { return longest }
        }
        return min(delay, longest)
    }
}
