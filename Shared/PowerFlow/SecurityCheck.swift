/// The dispatch center's security check: trades checked one after another on top of the case's
/// base dispatch and of the MW accepted before them.
///
/// A value type: `check` changes it only when it returns; a trade that throws leaves it as it was.
/// Replaying the same trades in the same order rebuilds the same state bit for bit.
public struct SecurityCheck: Sendable {
    /// Slack on every limit, MW (see `LimitRule`); trades under it are rejected rather than curtailed to dust.
    public static let toleranceMW = 1e-6
    /// The default `overloadThreshold` with N-1: 5%, the distribution factor NERC's transmission
    /// loading relief uses to pick the transactions it curtails on a constrained flowgate.
    public static let defaultOverloadThreshold = 0.05

    public let network: DCNetwork
    public let nMinus1: Bool
    /// A (branch, state) pair over its limit before a trade holds the trade to "may not grow" only
    /// where the trade's distribution factor on it is at least this (see `LimitRule`). With N-1 it
    /// covers the base case and every outage; without N-1 it is 0: every overloaded branch is held.
    public let overloadThreshold: Double
    /// Running flows per branch row, MW: the base case plus every accepted trade.
    public private(set) var flowsMW: [Double]
    let table: ContingencyTable

    /// With `nMinus1`, uses the LODFs of every in-service branch outage that leaves the network
    /// connected, computed by the first N-1 check of this network and kept by it (one KLU solve per
    /// branch; see `ContingencyTable` for the memory): further checks of the same network start at once.
    /// Post-outage flows are held to the emergency rating (RATE_C, else RATE_B, else RATE_A), the
    /// base case to RATE_A.
    /// - Parameter overloadThreshold: with N-1, a fraction in 0...1 (the caller validates its setting);
    ///   ignored without N-1.
    public init(network: DCNetwork, nMinus1: Bool, overloadThreshold: Double = SecurityCheck.defaultOverloadThreshold) {
        precondition(!nMinus1 || (0...1).contains(overloadThreshold), "overloadThreshold must be in 0...1, not \(overloadThreshold)")
        self.network = network
        self.nMinus1 = nMinus1
        self.overloadThreshold = nMinus1 ? overloadThreshold : 0
        flowsMW = network.baseFlows.map(\.flowMW)
        table = nMinus1 ? network.contingencies : ContingencyTable(monitoredOnly: network)
    }

    /// Branch rows whose outage is checked (empty without N-1).
    public var contingencies: [Int] { table.contingencies }
    /// Branch rows with a limit the check watches (in service, RATE_A > 0, or with N-1 an emergency rating).
    public var monitored: [Int] { table.monitored }
    /// The size of the N-1 LODF table this check shares with its network, bytes.
    public var contingencyTableBytes: Int { table.lodf.count * MemoryLayout<Double>.stride }
    /// In-service branch rows whose outage would island buses, so not checked as contingencies.
    public var skippedOutages: [Int] { table.bridges }

    /// Checks one trade and keeps its accepted MW in the running flows.
    public mutating func check(_ trade: TradeInjection) throws(SecurityCheckError) -> TradeOutcome {
        guard trade.mw.isFinite, trade.mw >= 0 else { throw .invalidMW(trade: trade.id, mw: trade.mw) }
        let seller = try bus(trade.sellerBus, field: "seller_bus", trade: trade.id)
        let buyer = try bus(trade.buyerBus, field: "buyer_bus", trade: trade.id)
        guard trade.mw > 0, seller != buyer else { return TradeOutcome(id: trade.id, status: .accepted, acceptedMW: trade.mw, binding: []) }

        let delta = network.transferSensitivities(source: seller, sink: buyer)
        let constraints = LimitScan(table: table, flows: flowsMW, delta: delta, mw: trade.mw, tolerance: Self.toleranceMW,
                                    threshold: overloadThreshold).constraints()
        let outcome: TradeOutcome
        if let stop = constraints.map(\.largestMW).min() {
            let accepted = stop < Self.toleranceMW ? 0 : min(stop, trade.mw)
            // The pairs that stop the trade: those allowing no more than the smallest (within the tolerance).
            let binding = constraints.filter { $0.largestMW <= stop + Self.toleranceMW }.map {
                BindingLimit(branch: $0.branch, flowMW: $0.flow + accepted * $0.perMW, limitMW: $0.limit,
                             contingency: $0.state.map { table.contingencies[$0] })
            }
            outcome = TradeOutcome(id: trade.id, status: accepted == 0 ? .rejected : .curtailed, acceptedMW: accepted, binding: binding)
        } else {
            outcome = TradeOutcome(id: trade.id, status: .accepted, acceptedMW: trade.mw, binding: [])
        }
        if outcome.acceptedMW > 0 {
            for l in flowsMW.indices { flowsMW[l] += outcome.acceptedMW * delta[l] }
        }
        return outcome
    }

    private func bus(_ number: Int, field: String, trade: String) throws(SecurityCheckError) -> Int {
        switch network.internalIndex(ofBus: number) {
        case .found(let index): return index
        case .isolated: throw .isolatedBus(trade: trade, field: field, bus: number)
        case .unknown: throw .unknownBus(trade: trade, field: field, bus: number)
        }
    }

    /// The base-case report plus the outcome of each trade in order (a fresh check each call).
    public static func report(
        network: DCNetwork, trades: [TradeInjection], nMinus1: Bool, overloadThreshold: Double = SecurityCheck.defaultOverloadThreshold
    ) throws(SecurityCheckError) -> SecurityReport {
        var check = SecurityCheck(network: network, nMinus1: nMinus1, overloadThreshold: overloadThreshold)
        var outcomes: [TradeOutcome] = []
        outcomes.reserveCapacity(trades.count)
        for trade in trades { outcomes.append(try check.check(trade)) }
        return SecurityReport(base: network.baseFlows, trades: outcomes)
    }
}
