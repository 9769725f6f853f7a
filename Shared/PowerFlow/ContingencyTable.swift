/// What N-1 needs, computed once per network: for every in-service branch k whose outage leaves
/// the network connected, LODF_lk = PTDF_l,k / (1 − PTDF_k,k) on every monitored branch l, from the
/// PTDF column of k's own terminal transfer (one KLU solve per contingency).
/// Memory: contingencies × monitored doubles (case2869pegase ≈ 4.5k × 4.5k ≈ 160 MB).
final class ContingencyTable: Sendable {
    /// In-service branch rows with a limit: RATE_A > 0, or with N-1 an emergency rating too.
    let monitored: [Int]
    /// `monitored`'s base-case limits (RATE_A), MW; +infinity where RATE_A is 0.
    let baseLimits: [Double]
    /// `monitored`'s post-outage limits (RATE_C, else RATE_B, else RATE_A), MW; +infinity where
    /// none is set. Without contingencies, the base limits again (never read).
    let emergencyLimits: [Double]
    /// Branch rows whose outage is a contingency.
    let contingencies: [Int]
    /// In-service branch rows left out because their outage would island part of the network.
    let bridges: [Int]
    /// Column c (contiguous) holds LODF_{monitored[j], contingencies[c]}; −1 where j is k itself,
    /// so its post-outage flow is 0.
    let lodf: [Double]

    /// 1 − PTDF_kk below this is treated as an islanding outage too (numerically a bridge).
    static let bridgeThreshold = 1e-9
    private static let batch = 64

    /// No contingencies: the base case's monitored branches only.
    init(monitoredOnly network: DCNetwork) {
        monitored = network.branches.filter { $0.inService && $0.limitMW != nil }.map(\.index)
        baseLimits = monitored.map { network.branches[$0].limitMW ?? .infinity }
        emergencyLimits = baseLimits
        contingencies = []
        bridges = []
        lodf = []
    }

    init(network: DCNetwork) {
        let m = network.branches.count
        monitored = network.branches.filter { $0.inService && ($0.limitMW != nil || $0.emergencyLimitMW != nil) }.map(\.index)
        baseLimits = monitored.map { network.branches[$0].limitMW ?? .infinity }
        emergencyLimits = monitored.map { network.branches[$0].emergencyLimitMW ?? .infinity }
        let ends: [(Int, Int)?] = (0..<m).map { network.fromIndex[$0] >= 0 ? (network.fromIndex[$0], network.toIndex[$0]) : nil }
        let graphBridges = Bridges.find(vertices: network.busNumbers.count, ends: ends)
        let candidates = (0..<m).filter { network.fromIndex[$0] >= 0 && !graphBridges.contains($0) }

        var kept: [Int] = [], skipped = graphBridges.sorted()
        var table: [Double] = []
        table.reserveCapacity(candidates.count * monitored.count)
        var start = 0
        while start < candidates.count {
            let chunk = Array(candidates[start..<min(start + Self.batch, candidates.count)])
            let columns = network.transferSensitivities(chunk.map { (network.fromIndex[$0], network.toIndex[$0]) })
            for (k, ptdf) in zip(chunk, columns) {
                let denominator = 1 - ptdf[k]
                guard abs(denominator) > Self.bridgeThreshold else { skipped.append(k); continue }
                kept.append(k)
                for l in monitored { table.append(l == k ? -1 : ptdf[l] / denominator) }
            }
            start += Self.batch
        }
        contingencies = kept
        bridges = skipped.sorted()
        lodf = table
    }
}
