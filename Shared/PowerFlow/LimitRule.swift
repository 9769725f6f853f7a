/// The limit rule for one branch in one state (base case or one outage), for a trade of Δ MW per MW.
///
/// A flow may move freely within |flow| <= cap + tolerance, where cap is RATE_A, or, for a flow
/// already over RATE_A by more than the tolerance before the trade, its current |flow| (it may
/// carry the trade only if |flow| does not grow). A branch constrains a trade only when the full
/// MW would take it past cap + tolerance; the trade is then cut to where it reaches cap exactly.
/// The tolerance (`SecurityCheck.toleranceMW`, 1e-6 MW) absorbs rounding noise: a branch sitting
/// on its limit is not reported as violated by 1e-13 MW of noise, and flows end at most 1e-6 MW
/// over their cap.
enum LimitRule {
    /// The largest trade MW (>= 0) this branch allows, or +infinity when `mw` fits.
    @inline(__always)
    static func largestMW(flow b: Double, perMW delta: Double, limit: Double, mw: Double, tolerance: Double) -> Double {
        let magnitude = abs(b)
        let cap = magnitude > limit + tolerance ? magnitude : limit
        guard abs(b + mw * delta) > cap + tolerance else { return .infinity }
        let t = ((delta > 0 ? cap : -cap) - b) / delta
        return max(t, 0)
    }

    /// Whether the full `mw` takes the branch past its cap (the cheap test run on every pair).
    @inline(__always)
    static func exceeds(flow b: Double, perMW delta: Double, limit: Double, mw: Double, tolerance: Double) -> Bool {
        let magnitude = abs(b)
        let cap = magnitude > limit + tolerance ? magnitude : limit
        return abs(b + mw * delta) > cap + tolerance
    }
}
