extension CooperativeGame {
    /// Without the exact method, the coalition to serve D is found by local search: from each
    /// feasible start, drop the unit whose removal raises v most, while some removal does, then
    /// drop units that produce nothing. Only units pinned at pmin can gain by leaving (a unit below
    /// its limit produces at marginal cost ≤ θ, and whoever takes over its output pays ≥ θ), and
    /// unit i can gain at most g_i(pmin_i) − θ pmin_i, which orders and prunes the candidates.
    /// At most `evaluationBudget` coalition values are computed per start.
    static func bestCoalition(_ generators: [GameGenerator], demand: Double, price: Double, starts: [[Int]], evaluationBudget: Int = 20_000) -> Coalition {
        let table = UnitTable(generators)
        let ids = generators.map(\.id)
        var best: (indices: [Int], value: Double, theta: Double)? = nil
        for start in starts where !start.isEmpty {
            guard let found = improve(table, Set(start), demand: demand, price: price, budget: evaluationBudget) else { continue }
            if best == nil || found.value > best!.value + 1e-9 * max(1, abs(found.value))
                || (abs(found.value - best!.value) <= 1e-9 * max(1, abs(found.value)) && found.indices.count < best!.indices.count) {
                best = found
            }
        }
        guard let best else { return Coalition(members: [], value: 0, feasible: false, outputs: [:]) }
        return coalition(table: table, ids: ids, indices: best.indices, theta: best.theta, demand: demand, price: price)
    }

    private static func evaluate(_ t: UnitTable, _ members: Set<Int>, demand: Double, price: Double) -> (value: Double, theta: Double)? {
        var sumMin = 0.0, sumMax = 0.0, sumG = 0.0
        for i in members { sumMin += t.pmin[i]; sumMax += t.pmax[i]; sumG += t.gMin[i] }
        guard !members.isEmpty, sumMin <= demand, demand <= sumMax else { return nil }
        let (theta, cost) = t.solve(demand: demand, sumPmin: sumMin, sumGMin: sumG) { members.contains($0) }
        return (price * demand - cost, theta)
    }

    private static func improve(_ t: UnitTable, _ start: Set<Int>, demand: Double, price: Double, budget: Int) -> (indices: [Int], value: Double, theta: Double)? {
        var members = start
        guard var current = evaluate(t, members, demand: demand, price: price) else { return nil }
        var evaluations = 1
        while evaluations < budget {
            let theta = current.theta
            let candidates = members
                .filter { t.output($0, theta: theta) <= t.pmin[$0] }
                .map { (unit: $0, bound: t.gMin[$0] - theta * t.pmin[$0]) }
                .filter { $0.bound > 0 }
                .sorted { $0.bound > $1.bound }
            var chosen: (unit: Int, value: Double, theta: Double)? = nil
            for candidate in candidates {
                let gainSoFar = (chosen?.value ?? current.value) - current.value
                if candidate.bound <= gainSoFar || evaluations >= budget { break }
                members.remove(candidate.unit)
                evaluations += 1
                if let found = evaluate(t, members, demand: demand, price: price), found.value > (chosen?.value ?? current.value) {
                    chosen = (candidate.unit, found.value, found.theta)
                }
                members.insert(candidate.unit)
            }
            guard let chosen, chosen.value > current.value + 1e-9 * max(1, abs(current.value)) else { break }
            members.remove(chosen.unit)
            current = (chosen.value, chosen.theta)
        }
        // Units at zero output add nothing: drop them while the rest can still reach D.
        var sumMax = members.reduce(0) { $0 + t.pmax[$1] }
        for i in members.sorted() where t.output(i, theta: current.theta) == 0 && sumMax - t.pmax[i] >= demand && members.count > 1 {
            members.remove(i)
            sumMax -= t.pmax[i]
        }
        if let final = evaluate(t, members, demand: demand, price: price) { current = final }
        return (members.sorted(), current.value, current.theta)
    }
}
