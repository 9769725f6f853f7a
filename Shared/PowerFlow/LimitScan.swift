/// One trade's pass over every (branch, state) pair: the base case against RATE_A, then each
/// contingency k with post-outage flow f_l + LODF_lk·f_k and sensitivity Δ_l + LODF_lk·Δ_k against
/// the emergency rating (see `LimitRule`).
struct LimitScan {
    let table: ContingencyTable
    let flows: [Double]
    let delta: [Double]
    let mw: Double
    let tolerance: Double
    /// The distribution factor at or above which an already overloaded pair may not grow (`LimitRule`).
    let threshold: Double
    /// Monitored flows and sensitivities gathered contiguously for the inner loops.
    private let monitoredFlows: [Double], monitoredDelta: [Double]

    init(table: ContingencyTable, flows: [Double], delta: [Double], mw: Double, tolerance: Double, threshold: Double) {
        self.table = table
        self.flows = flows
        self.delta = delta
        self.mw = mw
        self.tolerance = tolerance
        self.threshold = threshold
        monitoredFlows = table.monitored.map { flows[$0] }
        monitoredDelta = table.monitored.map { delta[$0] }
    }

    /// The states (nil = base case, else a contingency column) where the full MW breaks some limit.
    private func violatedStates() -> [Int?] {
        var states: [Int?] = []
        if violations(factor: nil) > 0 { states.append(nil) }
        for c in table.contingencies.indices where violations(factor: c) > 0 { states.append(c) }
        return states
    }

    /// How many monitored branches the full MW takes past their cap in one state; a branch-free
    /// count so the loop over millions of pairs stays cheap.
    private func violations(factor column: Int?) -> Int {
        let count = table.monitored.count
        let fk = column.map { flows[table.contingencies[$0]] } ?? 0
        let dk = column.map { delta[table.contingencies[$0]] } ?? 0
        let offset = (column ?? 0) * count
        let mw = mw, tolerance = tolerance, threshold = threshold
        return monitoredFlows.withUnsafeBufferPointer { f in
            monitoredDelta.withUnsafeBufferPointer { d in
                limits(column).withUnsafeBufferPointer { limit in
                    table.lodf.withUnsafeBufferPointer { lodf in
                        var over = 0
                        for j in 0..<count {
                            let factor = column == nil ? 0 : lodf[offset + j]
                            let exceeds = LimitRule.exceeds(flow: f[j] + factor * fk, perMW: d[j] + factor * dk,
                                                            limit: limit[j], mw: mw, tolerance: tolerance, threshold: threshold)
                            over &+= exceeds ? 1 : 0
                        }
                        return over
                    }
                }
            }
        }
    }

    /// The monitored branches' limits in a state: RATE_A in the base case, the emergency rating after an outage.
    private func limits(_ state: Int?) -> [Double] { state == nil ? table.baseLimits : table.emergencyLimits }

    /// A pair the full MW would break: branch row, state (nil = base case, else a contingency
    /// column), the MW it allows, its flow and sensitivity in that state, its limit.
    struct Constraint {
        var branch: Int
        var state: Int?
        var largestMW: Double
        var flow: Double
        var perMW: Double
        var limit: Double
    }

    /// Every pair the full MW would break, with the MW it allows; empty when the trade fits.
    func constraints() -> [Constraint] {
        var found: [Constraint] = []
        for state in violatedStates() {
            let fk = state.map { flows[table.contingencies[$0]] } ?? 0
            let dk = state.map { delta[table.contingencies[$0]] } ?? 0
            let offset = (state ?? 0) * table.monitored.count, outage = state != nil
            let limits = limits(state)
            for j in table.monitored.indices {
                let factor = outage ? table.lodf[offset + j] : 0
                let b = monitoredFlows[j] + factor * fk, d = monitoredDelta[j] + factor * dk
                let largest = LimitRule.largestMW(flow: b, perMW: d, limit: limits[j], mw: mw, tolerance: tolerance, threshold: threshold)
                if largest.isFinite { found.append(Constraint(branch: table.monitored[j], state: state, largestMW: largest, flow: b, perMW: d, limit: limits[j])) }
            }
        }
        return found
    }
}
