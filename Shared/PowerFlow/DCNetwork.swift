import Synchronization

/// A case's in-service network as MATPOWER's ext2int + makeBdc + dcpf see it, with the reduced
/// B matrix (reference bus removed) factorised once by KLU.
///
/// Thread safety: KLU's solve writes into workspace held by the factorisation, so every solve
/// runs under a mutex; an instance may be shared between threads (they then take turns).
public final class DCNetwork: Sendable {
    public let baseMVA: Double
    /// The external number of the reference bus (type 3, or MATPOWER's fallback; see `init`).
    public let referenceBus: Int
    /// Every branch row of the case, in-service or not.
    public let branches: [NetworkBranch]
    /// Base-case flows, one per branch row (0 MW for out-of-service branches).
    public let baseFlows: [BranchFlow]

    /// External bus number → internal index, for in-service (non-isolated) buses.
    let busIndex: [Int: Int]
    /// Internal index → external bus number.
    let busNumbers: [Int]
    let isolatedBuses: Set<Int>
    let referenceIndex: Int
    /// Per branch row: internal end buses (-1 when out of service) and b = 1/(x·tap) (0 when out).
    let fromIndex: [Int], toIndex: [Int], susceptance: [Double]
    private let factor: Mutex<KLUFactorization>
    /// The N-1 sensitivities, built on first use and shared by every `SecurityCheck` of this network.
    private let contingencyTable = Mutex<ContingencyTable?>(nil)
    /// The case's net injection per internal bus in MW, phase-shift injections included.
    let baseInjectionMW: [Double]
    /// Per branch row: Pfinj in p.u. (0 when out of service).
    let shiftInjection: [Double]

    /// Builds B as makeBdc does and solves the base case as rundcpf does: branches with BR_STATUS 0
    /// or an isolated (type 4) end and generators with GEN_STATUS <= 0 or on an isolated bus are
    /// out; TAP 0 means 1; P = Pg - Pd - Pbusinj - Gs (p.u.). The reference is the type-3 bus, except
    /// that, as MATPOWER's bustypes, when it has no generator in service the first type-2 bus with
    /// one takes its place.
    public init(case data: MatpowerCase) throws(NetworkError) {
        baseMVA = data.baseMVA
        var index: [Int: Int] = [:], numbers: [Int] = [], isolated = Set<Int>(), references: [Int] = []
        index.reserveCapacity(data.buses.count)
        for bus in data.buses {
            guard index[bus.number] == nil, !isolated.contains(bus.number) else { throw .duplicateBus(bus.number) }
            if bus.type == .isolated { isolated.insert(bus.number); continue }
            if bus.type == .reference { references.append(bus.number) }
            index[bus.number] = numbers.count
            numbers.append(bus.number)
        }
        guard let typeThree = references.first else { throw .noReferenceBus }
        guard references.count == 1 else { throw .multipleReferenceBuses(references) }
        busIndex = index
        busNumbers = numbers
        isolatedBuses = isolated
        let n = numbers.count

        // Injections in MW: generators in service, loads, shunts.
        var injection = [Double](repeating: 0, count: n)
        var hasGenerator = [Bool](repeating: false, count: n)
        for (g, gen) in data.generators.enumerated() {
            guard let i = index[gen.bus] else {
                if isolated.contains(gen.bus) { continue }
                throw .unknownBus(element: "gen", index: g, bus: gen.bus)
            }
            guard gen.inService else { continue }
            injection[i] += gen.outputMW
            hasGenerator[i] = true
        }
        for bus in data.buses { if let i = index[bus.number] { injection[i] -= bus.loadMW + bus.shuntMW } }

        var reference = index[typeThree]!
        if !hasGenerator[reference], let pv = data.buses.first(where: { $0.type == .pv && hasGenerator[index[$0.number]!] }) {
            reference = index[pv.number]!
        }
        referenceIndex = reference
        referenceBus = numbers[reference]

        // Branches: b, the phase-shift injection Pfinj (p.u.) and B's entries.
        let m = data.branches.count
        var from = [Int](repeating: -1, count: m), to = [Int](repeating: -1, count: m)
        var b = [Double](repeating: 0, count: m), shiftInjection = [Double](repeating: 0, count: m)
        var entries: [(row: Int, column: Int, value: Double)] = []
        entries.reserveCapacity(4 * m + n)
        var infos: [NetworkBranch] = []
        infos.reserveCapacity(m)
        func reduced(_ i: Int) -> Int { i < reference ? i : i - 1 }
        for (l, branch) in data.branches.enumerated() {
            let f = index[branch.from], t = index[branch.to]
            if f == nil && !isolated.contains(branch.from) { throw .unknownBus(element: "branch", index: l, bus: branch.from) }
            if t == nil && !isolated.contains(branch.to) { throw .unknownBus(element: "branch", index: l, bus: branch.to) }
            let inService = branch.status != 0 && f != nil && t != nil
            infos.append(NetworkBranch(index: l, from: branch.from, to: branch.to, inService: inService, limitMW: branch.limitMW,
                                       emergencyLimitMW: branch.emergencyLimitMW))
            guard inService, let f, let t else { continue }
            guard branch.reactance != 0 else { throw .zeroReactance(branch: l) }
            let tap = branch.tap == 0 ? 1 : branch.tap
            let bl = 1 / (branch.reactance * tap)
            from[l] = f; to[l] = t; b[l] = bl
            shiftInjection[l] = bl * (-branch.shiftDegrees * .pi / 180)
            injection[f] -= shiftInjection[l] * baseMVA
            injection[t] += shiftInjection[l] * baseMVA
            if f != reference { entries.append((reduced(f), reduced(f), bl)) }
            if t != reference { entries.append((reduced(t), reduced(t), bl)) }
            if f != reference && t != reference {
                entries.append((reduced(f), reduced(t), -bl))
                entries.append((reduced(t), reduced(f), -bl))
            }
        }
        fromIndex = from
        toIndex = to
        susceptance = b
        branches = infos
        baseInjectionMW = injection
        self.shiftInjection = shiftInjection

        if let stray = Self.firstUnreached(buses: n, from: from, to: to, start: reference) {
            throw .islanded(bus: numbers[stray], reference: numbers[reference])
        }

        let factorization: KLUFactorization
        do {
            factorization = try KLUFactorization(SparseMatrix(size: n - 1, entries: entries))
        } catch {
            switch error {
            case .analyze(let status), .factor(let status): throw .singular(status: status)
            }
        }
        var angles = [Double](repeating: 0, count: n - 1)
        for i in 0..<n where i != reference { angles[reduced(i)] = injection[i] / baseMVA }
        factorization.solve(&angles, count: 1)
        factor = Mutex(factorization)

        // flow = baseMVA·(b·(θf − θt) + Pfinj), θ of the reference 0 (flows depend on differences only).
        var flows: [BranchFlow] = []
        flows.reserveCapacity(m)
        for l in 0..<m {
            var mw = 0.0
            if from[l] >= 0 {
                let thetaF = from[l] == reference ? 0 : angles[reduced(from[l])]
                let thetaT = to[l] == reference ? 0 : angles[reduced(to[l])]
                mw = baseMVA * (b[l] * (thetaF - thetaT) + shiftInjection[l])
            }
            flows.append(BranchFlow(index: l, from: infos[l].from, to: infos[l].to, flowMW: mw, limitMW: infos[l].limitMW))
        }
        baseFlows = flows
    }

    /// The first bus with no in-service path to `start`, if any.
    private static func firstUnreached(buses n: Int, from: [Int], to: [Int], start: Int) -> Int? {
        // Neighbour lists in one array (compressed rows): a power flow builds this every time.
        var starts = [Int](repeating: 0, count: n + 1)
        for l in from.indices where from[l] >= 0 { starts[from[l] + 1] += 1; starts[to[l] + 1] += 1 }
        for i in 0..<n { starts[i + 1] += starts[i] }
        var fill = starts
        var neighbours = [Int](repeating: 0, count: starts[n])
        for l in from.indices where from[l] >= 0 {
            neighbours[fill[from[l]]] = to[l]; fill[from[l]] += 1
            neighbours[fill[to[l]]] = from[l]; fill[to[l]] += 1
        }
        var seen = [Bool](repeating: false, count: n)
        var stack = [start]
        stack.reserveCapacity(n)
        seen[start] = true
        while let i = stack.popLast() {
            for j in neighbours[starts[i]..<starts[i + 1]] where !seen[j] { seen[j] = true; stack.append(j) }
        }
        return seen.firstIndex(of: false)
    }

    /// The internal index of an external bus number, or why a trade cannot use it.
    func internalIndex(ofBus number: Int) -> BusLookup {
        if let i = busIndex[number] { return .found(i) }
        return isolatedBuses.contains(number) ? .isolated : .unknown
    }

    enum BusLookup: Equatable { case found(Int), isolated, unknown }

    /// Δflow in MW on every branch row per MW injected at `source` and withdrawn at `sink`
    /// (internal indices): one KLU solve, a PTDF column.
    func transferSensitivities(source: Int, sink: Int) -> [Double] {
        transferSensitivities([(source, sink)])[0]
    }

    /// Several transfers solved together (KLU takes many right-hand sides in one call).
    func transferSensitivities(_ transfers: [(source: Int, sink: Int)]) -> [[Double]] {
        let size = busNumbers.count - 1, reference = referenceIndex
        func reduced(_ i: Int) -> Int { i < reference ? i : i - 1 }
        var rhs = [Double](repeating: 0, count: size * transfers.count)
        for (k, transfer) in transfers.enumerated() where transfer.source != transfer.sink {
            if transfer.source != reference { rhs[k * size + reduced(transfer.source)] += 1 }
            if transfer.sink != reference { rhs[k * size + reduced(transfer.sink)] -= 1 }
        }
        factor.withLock { $0.solve(&rhs, count: transfers.count) }
        return transfers.indices.map { k in
            let base = k * size
            return fromIndex.indices.map { l in
                let f = fromIndex[l]
                guard f >= 0 else { return 0 }
                let t = toIndex[l]
                let thetaF = f == reference ? 0 : rhs[base + reduced(f)]
                let thetaT = t == reference ? 0 : rhs[base + reduced(t)]
                return susceptance[l] * (thetaF - thetaT)
            }
        }
    }

    /// Δflow in MW on every branch row (by row index) per MW from `seller` to `buyer` (external
    /// bus numbers): the PTDF column of that transfer.
    public func transferSensitivities(seller: Int, buyer: Int) throws(NetworkError) -> [Double] {
        guard case .found(let s) = internalIndex(ofBus: seller) else { throw .notABus(seller) }
        guard case .found(let r) = internalIndex(ofBus: buyer) else { throw .notABus(buyer) }
        return transferSensitivities(source: s, sink: r)
    }

    /// The N-1 table, computed once (the first caller waits for it, later ones reuse it).
    var contingencies: ContingencyTable {
        contingencyTable.withLock { table in
            if let table { return table }
            let built = ContingencyTable(network: self)
            table = built
            return built
        }
    }

    /// A DC power flow on this topology for another dispatch: `changesMW` adds to the case's net
    /// injection at those buses (external numbers; the reference bus takes up the balance). The
    /// factorisation is reused, so this is one solve and the branch flows: how the dispatch center
    /// re-runs the network while its topology stands.
    public func powerFlow(changesMW: [Int: Double] = [:]) throws(NetworkError) -> [Double] {
        var injection = baseInjectionMW
        for (bus, mw) in changesMW {
            guard case .found(let i) = internalIndex(ofBus: bus) else { throw .notABus(bus) }
            injection[i] += mw
        }
        let reference = referenceIndex
        func reduced(_ i: Int) -> Int { i < reference ? i : i - 1 }
        var angles = [Double](repeating: 0, count: busNumbers.count - 1)
        for i in injection.indices where i != reference { angles[reduced(i)] = injection[i] / baseMVA }
        factor.withLock { $0.solve(&angles, count: 1) }
        return fromIndex.indices.map { l in
            let f = fromIndex[l]
            guard f >= 0 else { return 0 }
            let t = toIndex[l]
            let thetaF = f == reference ? 0 : angles[reduced(f)]
            let thetaT = t == reference ? 0 : angles[reduced(t)]
            return baseMVA * (susceptance[l] * (thetaF - thetaT) + shiftInjection[l])
        }
    }

    /// In-service (non-isolated) buses.
    public var busCount: Int { busNumbers.count }

    /// Whether trades may name this bus (it exists and is not isolated).
    public func hasBus(_ number: Int) -> Bool { busIndex[number] != nil }
}

/// A branch row as the network sees it.
public struct NetworkBranch: Sendable, Equatable {
    /// The row in the case's branch matrix, from 0.
    public let index: Int
    public let from: Int
    public let to: Int
    public let inService: Bool
    /// RATE_A, nil when 0 (unlimited).
    public let limitMW: Double?
    /// The post-outage limit: RATE_C, else RATE_B, else RATE_A; nil when all are 0.
    public let emergencyLimitMW: Double?
}
