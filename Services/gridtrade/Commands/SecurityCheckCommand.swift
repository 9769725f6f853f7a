import ArgumentParser
import Foundation
import PowerFlow

/// `gridtrade security-check`: the dispatch center's DC power flow and trade security check on a case file.
struct SecurityCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security-check",
        abstract: "DC power flow of a MATPOWER case, then a security check of trades in order.",
        discussion: """
            Input (--trades), JSON: {"trades": [{"id": string, "seller_bus": int, "buyer_bus": int, "mw": number >= 0}]}
            with bus numbers from the case's bus matrix (BUS_I).

            Output, JSON on stdout, pretty-printed with sorted keys:
              {"base": [{"index", "from", "to", "flow_mw", "limit_mw"}],
               "trades": [{"id", "status": "accepted" | "curtailed" | "rejected", "accepted_mw",
                           "binding": [{"branch", "flow_mw", "limit_mw", "contingency"}]}]}
            "base" lists every row of the case's branch matrix ("index", from 0), out-of-service
            ones with flow_mw 0; "limit_mw" is RATE_A, null when 0 (unlimited). Flows are MW from
            "from" to "to" as PYPOWER's rundcpf reports PF.

            Each trade injects its MW at the seller's bus and withdraws it at the buyer's, on top of
            the base dispatch and of the MW accepted before it. Every in-service branch with RATE_A > 0
            must keep |flow| <= RATE_A (+ \(SecurityCheck.toleranceMW) MW); a branch already over it may not
            grow. A trade that would break a limit is cut to the largest MW that keeps them all
            ("curtailed") or to 0 ("rejected"); "binding" lists the limits that stopped it, with the
            flow after the accepted MW and "contingency" null (base case) or the outaged branch's index.
            --n-1 also checks every single in-service branch outage that leaves the network connected
            (outages that island buses are skipped), against the emergency rating (RATE_C, else RATE_B,
            else RATE_A). With --n-1, a limit already broken before the trade holds the trade to "may
            not grow" only where the trade's distribution factor on it is at least --n1-threshold
            (default 0.05, as the dispatch service's dispatch.n1.threshold); a limit the trade would
            newly break always curtails it.
            Bad input: exit status 1, one line on stderr, nothing on stdout.
            """
    )

    @Option(name: .customLong("case"), help: "The MATPOWER case file (.m).")
    var casePath: String

    @Option(help: "The trades' JSON file.")
    var trades: String

    @Flag(name: .customLong("n-1"), help: "Also check every single-branch outage (N-1).")
    var nMinus1 = false

    @Option(
        name: .customLong("n1-threshold"),
        help: "With --n-1: the distribution factor (0...1) from which a trade may not grow a limit already broken before it."
    )
    var overloadThreshold: Double = SecurityCheck.defaultOverloadThreshold

    func validate() throws {
        guard (0...1).contains(overloadThreshold) else { throw ValidationError("--n1-threshold must be a fraction from 0 to 1 (0.05 is 5%)") }
    }

    func run() throws {
        do {
            let data = try report()
            FileHandle.standardOutput.write(data)
        } catch {
            printError("security-check: \(error)")
            throw ExitCode(1)
        }
    }

    /// Everything is checked before anything is written.
    func report() throws -> Data {
        let network = try DCNetwork(case: try MatpowerCase(contentsOf: casePath))
        let list = try Self.loadTrades(trades)
        let report = try SecurityCheck.report(network: network, trades: list.trades, nMinus1: nMinus1, overloadThreshold: overloadThreshold)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report) + Data("\n".utf8)
    }

    static func loadTrades(_ path: String) throws -> TradeList {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SecurityCheckCommandError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(TradeList.self, from: data)
        } catch let error as DecodingError {
            throw SecurityCheckCommandError("\(path): \(describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue) }
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .typeMismatch(let type, let context):
            let wanted = type == String.self ? "a string" : type == Double.self ? "a number" : type == Int.self ? "an integer" : "of another type"
            return "\(path(context.codingPath)) must be \(wanted)"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "not valid JSON"
        case .dataCorrupted(let context): return "\(path(context.codingPath)) is not valid (\(context.debugDescription))"
        @unknown default: return "not a valid trade list"
        }
    }
}

/// A one-line problem with the command line or the trades file.
struct SecurityCheckCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
