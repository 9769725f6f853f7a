import Crypto
import Foundation
import Messages
import PowerFlow
import Synchronization

/// The dispatch center's network: the case, factorised once, and one running security check per
/// delivery month (trades in different months never share the wires). An order's energy in a
/// month, spread evenly over its hours, is the MW its seller injects and its buyer withdraws.
final class NetworkDesk: Sendable {
    let identity: NetworkIdentity
    let nMinus1: Bool
    let summary: NetworkSummary
    /// A month with nothing on it yet: the base case, its N-1 table computed once and shared.
    private let empty: SecurityCheck
    private let months = Mutex<[String: SecurityCheck]>([:])

    /// A checked order, with the month states it would leave, for `commit` once it is stored.
    struct Placement: Sendable {
        let status: SecurityStatus
        let months: [MonthCheck]
        let reason: String?
        fileprivate let states: [String: SecurityCheck]
    }

    init(casePath: String, nMinus1: Bool) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: casePath))
        let text = String(decoding: bytes, as: UTF8.self)
        let data = try MatpowerCase(parsing: text)
        let network = try DCNetwork(case: data)
        empty = SecurityCheck(network: network, nMinus1: nMinus1)
        self.nMinus1 = nMinus1
        identity = NetworkIdentity(
            name: URL(fileURLWithPath: casePath).deletingPathExtension().lastPathComponent,
            sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        )
        summary = NetworkSummary(
            network: identity, buses: data.buses.count, branches: network.branches.count,
            limitedBranches: network.branches.filter { $0.inService && $0.limitMW != nil }.count, nMinus1: nMinus1
        )
    }

    /// Where a dispatch without `dispatch.case` looks for the repository's case30: beside the
    /// working directory, in the image (deploy/Dockerfile), and above the executable (a build folder).
    static var bundledCaseLocations: [String] {
        let name = "deploy/cases/case30.m"
        var places = [FileManager.default.currentDirectoryPath + "/" + name, "/usr/share/gridtrade/cases/case30.m"]
        var directory = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent()
        for _ in 0..<6 {
            places.append(directory.appendingPathComponent(name).path)
            directory = directory.deletingLastPathComponent()
        }
        return places
    }

    static func bundledCase() -> String? { bundledCaseLocations.first { FileManager.default.fileExists(atPath: $0) } }

    /// Checks an order without changing the network.
    func check(_ order: TradeOrder, sellerBus: Int?, buyerBus: Int?) -> Placement {
        let unplaced = { (reason: String) in
            Placement(status: .rejected, months: order.monthlySplit.map {
                MonthCheck(month: $0.month, requestedMw: $0.mwh / Months.hours($0.month), acceptedMw: 0, acceptedMwh: 0, status: .rejected, binding: [])
            }, reason: reason, states: [:])
        }
        guard let sellerBus else { return unplaced("the seller \(order.seller) has no generator bus in the registry") }
        guard let buyerBus else { return unplaced("the buyer \(order.buyer) has no consumer bus in the registry") }
        var states = months.withLock { $0 }
        var checks: [MonthCheck] = []
        for share in order.monthlySplit {
            let hours = Months.hours(share.month)
            let requested = share.mwh / hours
            var state = states[share.month] ?? empty
            let outcome: TradeOutcome
            do {
                outcome = try state.check(TradeInjection(id: order.id, sellerBus: sellerBus, buyerBus: buyerBus, mw: requested))
            } catch {
                return unplaced("\(error)")
            }
            states[share.month] = state
            checks.append(MonthCheck(
                month: share.month, requestedMw: requested, acceptedMw: outcome.acceptedMW, acceptedMwh: outcome.acceptedMW * hours,
                status: SecurityStatus(rawValue: outcome.status.rawValue) ?? .rejected,
                binding: outcome.binding.map { Messages.BindingLimit(branch: $0.branch, flowMw: $0.flowMW, limitMw: $0.limitMW, contingency: $0.contingency) }
            ))
        }
        let status: SecurityStatus =
            checks.allSatisfy { $0.status == .accepted } ? .accepted : checks.allSatisfy { $0.acceptedMw == 0 } ? .rejected : .curtailed
        return Placement(status: status, months: checks, reason: nil, states: states)
    }

    func commit(_ placement: Placement) {
        guard !placement.states.isEmpty else { return }
        months.withLock { current in
            for (month, state) in placement.states { current[month] = state }
        }
    }

    /// Stacks stored results again after a restart, in their order; returns how many. A stored
    /// result the case no longer reproduces is an error: the case file changed under the results.
    func replay(_ records: [SignedSecurityCheck]) throws -> Int {
        for record in records {
            let result = record.result
            guard result.reason == nil else { continue }
            let order = TradeOrder(
                id: result.orderId, creator: "", createdAtMs: 0, seller: result.seller, buyer: result.buyer, mwh: result.requestedMwh, price: 0,
                periodStart: "", periodEnd: "",
                monthlySplit: result.months.map { MonthlyEnergy(month: $0.month, mwh: $0.requestedMw * Months.hours($0.month)) }, status: .confirmed
            )
            let placement = check(order, sellerBus: result.sellerBus, buyerBus: result.buyerBus)
            let same = zip(placement.months, result.months).allSatisfy { abs($0.acceptedMw - $1.acceptedMw) <= 1e-6 }
            guard same, result.network.sha256 == identity.sha256 else {
                throw ReplayMismatch(orderID: result.orderId, stored: result.network.name)
            }
            commit(placement)
        }
        return records.count
    }
}

struct ReplayMismatch: Error, CustomStringConvertible {
    let orderID: String
    let stored: String
    var description: String { "order \(orderID), checked on case \(stored), does not give the same result on this case file" }
}
