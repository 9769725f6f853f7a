/// The limit rule for one branch in one state (base case or one outage), for a trade of Δ MW per MW.
///
/// A flow may move freely within |flow| <= cap + tolerance. The cap is the limit (RATE_A in the
/// base case, the emergency rating after an outage), except for a flow already over its limit by
/// more than the tolerance before the trade:
/// - where the trade's distribution factor |Δ| is at least `threshold`, the cap is the current
///   |flow| (the trade may carry on only if |flow| does not grow);
/// - where |Δ| is below it, there is no cap: the trade contributes too little to the overload to
///   be held for it, as NERC's transmission loading relief leaves alone transactions under 5% on a
///   constrained flowgate. A threshold of 0 holds every overloaded pair.
/// A branch constrains a trade only when the full MW would take it past cap + tolerance; the trade
/// is then cut to where it reaches cap exactly, so a trade that would newly overload a branch is
/// curtailed whatever its factor. The tolerance (`SecurityCheck.toleranceMW`, 1e-6 MW) absorbs
/// rounding noise: a branch sitting on its limit is not reported as violated by 1e-13 MW of noise,
/// and flows end at most 1e-6 MW over their cap. A limit of +infinity never binds.
enum LimitRule {
    /// The cap on |flow| for this pair (+infinity: none).
    @inline(__always)
    static func cap(flow b: Double, perMW delta: Double, limit: Double, tolerance: Double, threshold: Double) -> Double {
        let magnitude = abs(b)
        guard magnitude > limit + tolerance else { return limit }
        return abs(delta) >= threshold ? magnitude : .infinity
    }

    /// The largest trade MW (>= 0) this branch allows, or +infinity when `mw` fits.
    @inline(__always)
    static func largestMW(flow b: Double, perMW delta: Double, limit: Double, mw: Double, tolerance: Double, threshold: Double) -> Double {
        let cap = cap(flow: b, perMW: delta, limit: limit, tolerance: tolerance, threshold: threshold)
        guard abs(b + mw * delta) > cap + tolerance else { return .infinity }
        let t = ((delta > 0 ? cap : -cap) - b) / delta
        return max(t, 0)
    }

    /// Whether the full `mw` takes the branch past its cap (the cheap test run on every pair).
    @inline(__always)
    static func exceeds(flow b: Double, perMW delta: Double, limit: Double, mw: Double, tolerance: Double, threshold: Double) -> Bool {
        abs(b + mw * delta) > cap(flow: b, perMW: delta, limit: limit, tolerance: tolerance, threshold: threshold) + tolerance
    }
}
