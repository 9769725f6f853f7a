import ArgumentParser
import Foundation
import PowerFlow

/// `gridtrade-bench powerflow`: the DC power flow against PYPOWER's rundcpf on the same case in
/// the same run, and the security check of seeded random trades with and without N-1.
struct PowerFlowBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "powerflow",
        abstract: "DC power flow vs PYPOWER rundcpf (goal: >= 10x faster), and the security check of random trades.",
        discussion: """
            Per case: parsing the .m text (timed apart), one DC power flow = DCNetwork(case:) (B from the
            parsed case, KLU analyze + factor, solve, branch flows), median over --repeat; PYPOWER's
            rundcpf on the same case via scripts/bench_rundcpf.py (loadcase once, rundcpf timed), median
            over --repeat; then --trades seeded random trades (seller: a bus with a generator in service,
            buyer: a bus with load, 1-200 MW) through SecurityCheck without N-1 and, for cases whose
            N-1 table (contingencies x monitored branches x 8 bytes) fits --n-1-max-mb, with N-1
            (its one-off precompute timed apart). Single-threaded. Build with -c release.
            """
    )

    static let defaultCases = ["deploy/cases/case2869pegase.m", ".venv/lib/python3.11/site-packages/matpower/data/case9241pegase.m"]

    @Option(name: .customLong("case"), help: "A MATPOWER case (repeatable; default case2869pegase and case9241pegase).")
    var cases: [String] = []
    @Option(help: "Repeats of the power flow (median reported).") var `repeat` = 20
    @Option(help: "Random trades to check.") var trades = 1_000
    @Option(help: "Seed of the random trades.") var seed: UInt64 = 7
    @Option(help: "Python with PYPOWER (default: .venv/bin/python).") var python = ".venv/bin/python"
    @Option(name: .customLong("n-1-max-mb"), help: "Skip N-1 on a case whose LODF table would exceed this many MB.") var nMinus1MaxMB = 500
    @Flag(help: "Print JSON.") var json = false

    struct Row: Encodable {
        var caseName: String
        var buses: Int
        var branches: Int
        var parseSeconds: Double
        var powerFlowSeconds: Double
        /// One power flow with the factorisation reused (the topology unchanged).
        var resolveSeconds: Double
        var pypowerSeconds: Double?
        var speedup: Double?
        var resolveSpeedup: Double?
        var trades: Int
        var checkSeconds: Double
        var outcomes: [String: Int]
        var contingencies: Int?
        var monitored: Int
        var nMinus1PrecomputeSeconds: Double?
        var nMinus1TableMB: Double?
        var nMinus1CheckSeconds: Double?
        var nMinus1Outcomes: [String: Int]?
        var nMinus1Note: String?
        var maxResidentMB: Double

        enum CodingKeys: String, CodingKey {
            case buses, branches, trades, outcomes, contingencies, monitored, speedup
            case caseName = "case"
            case parseSeconds = "parse_s", powerFlowSeconds = "powerflow_s", pypowerSeconds = "pypower_rundcpf_s"
            case resolveSeconds = "powerflow_reused_factor_s", resolveSpeedup = "speedup_reused_factor"
            case checkSeconds = "check_s", nMinus1PrecomputeSeconds = "n1_precompute_s", nMinus1TableMB = "n1_table_mb"
            case nMinus1CheckSeconds = "n1_check_s", nMinus1Outcomes = "n1_outcomes", nMinus1Note = "n1_note"
            case maxResidentMB = "max_rss_mb"
        }
    }

    func run() throws {
        guard self.repeat > 0, trades >= 0 else { throw ValidationError("--repeat must be positive and --trades at least 0") }
        var rows: [Row] = []
        for path in cases.isEmpty ? Self.defaultCases : cases {
            rows.append(try measure(path))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        func ms(_ seconds: Double?) -> String { seconds.map { String(format: "%10.3f", $0 * 1000) } ?? "         -" }
        func s(_ seconds: Double?) -> String { seconds.map { String(format: "%9.2f", $0) } ?? "        -" }
        print("case                 buses branches   parse ms   Swift PF ms  PYPOWER ms  ratio   check s  N-1 pre s  N-1 MB  N-1 check s")
        for row in rows {
            print(URL(fileURLWithPath: row.caseName).lastPathComponent.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: "%8d %8d", row.buses, row.branches) + ms(row.parseSeconds) + "  " + ms(row.powerFlowSeconds) + "  " + ms(row.pypowerSeconds)
                + (row.speedup.map { String(format: "%6.1fx", $0) } ?? "      -") + s(row.checkSeconds) + "  " + s(row.nMinus1PrecomputeSeconds)
                + (row.nMinus1TableMB.map { String(format: "%8.0f", $0) } ?? "       -") + "  " + s(row.nMinus1CheckSeconds))
        }
        for row in rows {
            let name = URL(fileURLWithPath: row.caseName).lastPathComponent
            print("\(name): \(row.trades) trades \(Self.summary(row.outcomes)) without N-1"
                + (row.nMinus1Outcomes.map { ", \(Self.summary($0)) with N-1 (\(row.contingencies ?? 0) contingencies x \(row.monitored) monitored)" } ?? "")
                + (row.nMinus1Note.map { "; N-1: \($0)" } ?? "")
                + (row.speedup.map { String(format: "; from the case (build B, factorise, solve) %.1fx PYPOWER rundcpf", $0) } ?? ""))
            if let pypower = row.pypowerSeconds, let reused = row.resolveSpeedup {
                print(String(format: "%@: power flow with the factorisation reused %.3f ms vs PYPOWER rundcpf %.3f ms: %.0fx (goal >= 10x: %@)",
                             name, row.resolveSeconds * 1000, pypower * 1000, reused, reused >= 10 ? "met" : "MISSED"))
            }
        }
        print(String(format: "max RSS %.0f MB", rows.map(\.maxResidentMB).max() ?? 0))
    }

    static func summary(_ outcomes: [String: Int]) -> String {
        ["accepted", "curtailed", "rejected"].map { "\(outcomes[$0] ?? 0) \($0)" }.joined(separator: "/")
    }

    private func measure(_ path: String) throws -> Row {
        let clock = ContinuousClock()
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw ValidationError("cannot read \(path): \(error)") }
        var parseTimes: [Double] = [], flowTimes: [Double] = []
        var parsed: MatpowerCase?
        for _ in 0..<self.repeat {
            let started = clock.now
            parsed = try MatpowerCase(parsing: text)
            parseTimes.append(started.duration(to: clock.now).seconds)
        }
        let data = parsed!
        var network: DCNetwork?
        for _ in 0..<self.repeat {
            let started = clock.now
            network = try DCNetwork(case: data)
            flowTimes.append(started.duration(to: clock.now).seconds)
        }
        // The dispatch center's own case: the topology stands, so a power flow for another dispatch reuses the factorisation.
        var resolveTimes: [Double] = []
        let buses = data.buses.map(\.number).filter { network!.hasBus($0) }
        for round in 0..<max(self.repeat, 100) {
            let bus = buses[(round * 7919) % buses.count]
            let started = clock.now
            _ = try network!.powerFlow(changesMW: [bus: 10])
            resolveTimes.append(started.duration(to: clock.now).seconds)
        }
        let pypower = try Self.pypower(python: python, casePath: path, repeat: self.repeat)
        let powerFlow = Self.median(flowTimes)
        let resolve = Self.median(resolveTimes)

        let trades = Self.randomTrades(data, count: trades, seed: seed)
        var check = SecurityCheck(network: network!, nMinus1: false)
        var started = clock.now
        var outcomes: [String: Int] = [:]
        for trade in trades { outcomes[try check.check(trade).status.rawValue, default: 0] += 1 }
        let checkSeconds = started.duration(to: clock.now).seconds
        var row = Row(caseName: path, buses: data.buses.count, branches: data.branches.count, parseSeconds: Self.median(parseTimes),
                      powerFlowSeconds: powerFlow, resolveSeconds: resolve, pypowerSeconds: pypower, speedup: pypower.map { $0 / powerFlow },
                      resolveSpeedup: pypower.map { $0 / resolve },
                      trades: trades.count, checkSeconds: checkSeconds, outcomes: outcomes, monitored: check.monitored.count, maxResidentMB: 0)

        // The table's size is known before building it: in-service branches x monitored ones, at most.
        let inService = network!.branches.filter(\.inService).count
        let estimateMB = Double(inService * check.monitored.count * 8) / 1e6
        if estimateMB <= Double(nMinus1MaxMB) {
            let fresh = try DCNetwork(case: data)  // a network without a cached table, so the precompute is timed
            started = clock.now
            var secure = SecurityCheck(network: fresh, nMinus1: true)
            row.nMinus1PrecomputeSeconds = started.duration(to: clock.now).seconds
            row.contingencies = secure.contingencies.count
            row.nMinus1TableMB = Double(secure.contingencyTableBytes) / 1e6
            var n1: [String: Int] = [:]
            started = clock.now
            for trade in trades { n1[try secure.check(trade).status.rawValue, default: 0] += 1 }
            row.nMinus1CheckSeconds = started.duration(to: clock.now).seconds
            row.nMinus1Outcomes = n1
        } else {
            row.nMinus1Note = String(format: "skipped: the LODF table would take about %.0f MB (> --n-1-max-mb %d)", estimateMB, nMinus1MaxMB)
        }
        row.maxResidentMB = Self.maxResidentMB()
        return row
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func maxResidentMB() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }

    /// rundcpf's median time from scripts/bench_rundcpf.py, or nil (with a note on stderr) when Python is missing.
    static func pypower(python: String, casePath: String, repeat: Int) throws -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["scripts/bench_rundcpf.py", "--case", casePath, "--repeat", String(`repeat`)]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch {
            FileHandle.standardError.write(Data("bench powerflow: cannot run \(python): \(error); no PYPOWER baseline\n".utf8))
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Result: Decodable { var median_s: Double }
        guard process.terminationStatus == 0, let result = try? JSONDecoder().decode(Result.self, from: data) else {
            FileHandle.standardError.write(Data("bench powerflow: bench_rundcpf.py failed on \(casePath); no PYPOWER baseline\n".utf8))
            return nil
        }
        return result.median_s
    }

    /// Seeded trades (SplitMix64): seller a bus with a generator in service, buyer a bus with load.
    static func randomTrades(_ data: MatpowerCase, count: Int, seed: UInt64) -> [TradeInjection] {
        let isolated = Set(data.buses.filter { $0.type == .isolated }.map(\.number))
        let sellers = Array(Set(data.generators.filter { $0.inService && !isolated.contains($0.bus) }.map(\.bus))).sorted()
        let buyers = data.buses.filter { $0.type != .isolated && $0.loadMW > 0 }.map(\.number)
        guard !sellers.isEmpty, !buyers.isEmpty else { return [] }
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<count).map { i in
            let seller = sellers[Int(next() % UInt64(sellers.count))]
            let buyer = buyers[Int(next() % UInt64(buyers.count))]
            let mw = 1 + 199 * Double(next() >> 11) / Double(UInt64(1) << 53)
            return TradeInjection(id: "T\(i + 1)", sellerBus: seller, buyerBus: buyer, mw: mw)
        }
    }
}
