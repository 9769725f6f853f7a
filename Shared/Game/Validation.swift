extension CooperativeGame {
    /// Checks the generators in order (empty or duplicate id, non-finite numbers, a > 0, pmin ≥ 0,
    /// pmin < pmax, k > 1), then the demand (finite, > 0, within some coalition's reach).
    /// Throws the first problem found.
    public static func validate(_ generators: [GameGenerator], demand: Double) throws(GameError) {
        guard !generators.isEmpty else { throw .noGenerators }
        var seen = Set<String>()
        for (index, g) in generators.enumerated() {
            guard !g.id.isEmpty else { throw .emptyID(index: index) }
            guard seen.insert(g.id).inserted else { throw .duplicateID(g.id) }
            for (field, value) in [("a", g.a), ("b", g.b), ("c", g.c), ("pmin", g.pmin), ("pmax", g.pmax), ("k", g.k)] where !value.isFinite {
                throw .notFinite(id: g.id, field: field, value: value)
            }
            guard g.a > 0 else { throw .aNotPositive(id: g.id, a: g.a) }
            guard g.pmin >= 0 else { throw .negativePmin(id: g.id, pmin: g.pmin) }
            guard g.pmin < g.pmax else { throw .pminNotBelowPmax(id: g.id, pmin: g.pmin, pmax: g.pmax) }
            guard g.k > 1 else { throw .kNotAboveOne(id: g.id, k: g.k) }
        }
        guard demand.isFinite else { throw .demandNotFinite(demand) }
        guard demand > 0 else { throw .demandNotPositive(demand) }
        guard isReachable(generators.map { ($0.pmin, $0.pmax) }, demand: demand) else { throw .demandUnreachable(demand: demand) }
    }

    /// Whether some non-empty S has Σ_S pmin ≤ D ≤ Σ_S pmax.
    ///
    /// This is subset sum over intervals, NP-hard in general (with pmax = pmin + ε it is plain
    /// subset sum), so the test is exact but pseudo-polynomial: it keeps the set of all totals
    /// reachable so far, ∪_S [Σ_S pmin, Σ_S pmax], as a sorted list of disjoint closed intervals.
    /// Adding unit [l, u] maps the set R to R ∪ [l, u] ∪ (R + [l, u]), a merge of two sorted lists.
    /// Intervals starting above D are dropped (totals only grow, as pmin ≥ 0), and so are those that
    /// cannot reach D even with every remaining unit at pmax. Every kept interval is at least
    /// w = min_i (pmax_i − pmin_i) wide and they are disjoint below D, so the list never holds more
    /// than D / w + 1 intervals: O(n · D / w) in all, and in practice the intervals merge into a
    /// few after a handful of units. Two shortcuts answer most cases at once: the grand coalition
    /// (Σ pmin ≤ D ≤ Σ pmax over all) and D above the total capacity.
    static func isReachable(_ units: [(lo: Double, hi: Double)], demand: Double) -> Bool {
        let totalLo = units.reduce(0) { $0 + $1.lo }
        let totalHi = units.reduce(0) { $0 + $1.hi }
        if totalLo <= demand && demand <= totalHi { return true }
        if demand > totalHi { return false }
        let usable = units.filter { $0.lo <= demand }
        var remainingHi = usable.reduce(0) { $0 + $1.hi }
        var reach: [(lo: Double, hi: Double)] = []
        var next: [(lo: Double, hi: Double)] = []
        for unit in usable {
            if unit.lo <= demand && demand <= unit.hi { return true }
            remainingHi -= unit.hi
            // Merge, in order of lo, the old set, the old set shifted by the unit, and the unit alone;
            // keep what can still reach D, coalescing overlaps.
            next.removeAll(keepingCapacity: true)
            var kept = 0, shifted = 0, aloneDone = false
            while kept < reach.count || shifted < reach.count || !aloneDone {
                var candidate = (lo: Double.infinity, hi: Double.infinity)
                var source = 0
                if kept < reach.count { candidate = reach[kept] }
                if shifted < reach.count, reach[shifted].lo + unit.lo < candidate.lo {
                    candidate = (reach[shifted].lo + unit.lo, reach[shifted].hi + unit.hi)
                    source = 1
                }
                if !aloneDone, unit.lo < candidate.lo {
                    candidate = unit
                    source = 2
                }
                switch source {
                case 0: kept += 1
                case 1: shifted += 1
                default: aloneDone = true
                }
                guard candidate.lo <= demand, candidate.hi + remainingHi >= demand else { continue }
                if let last = next.last, candidate.lo <= last.hi {
                    next[next.count - 1].hi = max(last.hi, candidate.hi)
                } else {
                    next.append(candidate)
                }
            }
            if next.contains(where: { $0.lo <= demand && demand <= $0.hi }) { return true }
            swap(&reach, &next)
        }
        return false
    }
}
