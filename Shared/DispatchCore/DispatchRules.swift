import Messages
import PowerFlow

/// The dispatch center's decisions: where an order goes on the network, month by month, on top
/// of everything placed before it; and, after a restart, the network rebuilt from the stored
/// results. Pure: the network, the load and the facts come in, the decision goes out.
public enum DispatchRules {
    /// Places `trade` on `load`. An order's energy in a month, spread evenly over its hours, is the
    /// MW its seller injects at `sellerBus` and its buyer withdraws at `buyerBus`.
    /// - Parameters: sellerBus, buyerBus: the parties' buses as the registry has them (nil: none).
    public static func place(
        _ trade: TradeOnNetwork, sellerBus: Int?, buyerBus: Int?, on load: NetworkLoad, network: DispatchNetwork
    ) -> Placement {
        let unplaced = { (reason: String) in
            Placement(
                trade: trade, sellerBus: sellerBus, buyerBus: buyerBus, status: .rejected,
                months: trade.months.map {
                    let requested = requestedMw($0)
                    return MonthCheck(
                        month: $0.month, requestedMw: requested.isFinite ? requested : 0, acceptedMw: 0, acceptedMwh: 0, status: .rejected,
                        binding: []
                    )
                },
                reason: reason, load: load
            )
        }
        guard let sellerBus else { return unplaced("the seller \(trade.seller) has no generator bus in the registry") }
        guard let buyerBus else { return unplaced("the buyer \(trade.buyer) has no consumer bus in the registry") }
        var next = load
        var checks: [MonthCheck] = []
        for share in trade.months {
            var state = next.check(for: share.month, on: network)
            let requested = requestedMw(share)
            let outcome: TradeOutcome
            do {
                outcome = try state.check(TradeInjection(id: trade.orderId.rawValue, sellerBus: sellerBus, buyerBus: buyerBus, mw: requested))
            } catch {
                return unplaced("\(error)")
            }
            next.months[share.month] = state
            checks.append(OutcomeMapping.monthCheck(outcome, month: share.month, requestedMw: requested, hours: share.month.hours))
        }
        let status: SecurityStatus =
            checks.allSatisfy { $0.status == .accepted } ? .accepted : checks.allSatisfy { $0.acceptedMw == 0 } ? .rejected : .curtailed
        return Placement(trade: trade, sellerBus: sellerBus, buyerBus: buyerBus, status: status, months: checks, reason: nil, load: next)
    }

    /// The MW of a month's energy spread over its hours. A month that is not one has no hours: its
    /// NaN is refused by the check, and an unplaced result says 0 (JSON has no NaN).
    static func requestedMw(_ share: MonthlyEnergy) -> Double {
        let hours = share.month.hours
        return hours > 0 ? share.mwh / hours : .nan
    }

    /// How far a replayed month may differ from the stored one, MW.
    public static let replayTolerance = 1e-6

    /// The network's load after stacking the stored results again, in their order (the order they
    /// were placed in). Results that were never placed (a `reason`) are skipped. A placed result
    /// checked on another case file, or that this case no longer reproduces, is a mismatch: the
    /// case changed under the results, and what was accepted before can no longer be known to fit.
    public static func replay(_ stored: [SecurityCheckResult], on network: DispatchNetwork) throws(ReplayMismatch) -> NetworkLoad {
        var load = NetworkLoad()
        for result in stored where result.reason == nil {
            guard result.network.sha256 == network.identity.sha256 else {
                throw .otherCase(orderId: result.order, stored: result.network, current: network.identity)
            }
            let trade = TradeOnNetwork(
                orderId: result.order, seller: result.seller, buyer: result.buyer, requestedMwh: result.requestedMwh,
                months: result.months.map { MonthlyEnergy(month: $0.month, mwh: $0.requestedMw * $0.month.hours) }
            )
            let placement = place(trade, sellerBus: result.sellerBus, buyerBus: result.buyerBus, on: load, network: network)
            guard placement.reason == nil, placement.months.count == result.months.count else {
                throw .notReproduced(
                    orderId: result.order, checkedOn: result.network.name, month: nil, storedMw: result.acceptedMwh, replayedMw: placement.acceptedMwh
                )
            }
            for (replayed, kept) in zip(placement.months, result.months) where abs(replayed.acceptedMw - kept.acceptedMw) > replayTolerance {
                throw .notReproduced(
                    orderId: result.order, checkedOn: result.network.name, month: kept.month, storedMw: kept.acceptedMw, replayedMw: replayed.acceptedMw
                )
            }
            load = placement.load
        }
        return load
    }
}

/// Why the stored results cannot be stacked again on this case.
public enum ReplayMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// The result cites another case file (by SHA-256).
    case otherCase(orderId: OrderID, stored: NetworkIdentity, current: NetworkIdentity)
    /// The same case file (`checkedOn` names it) gives another result for `month` (nil: the order
    /// as a whole, which the case no longer places at all; then in MWh).
    case notReproduced(orderId: OrderID, checkedOn: String, month: DeliveryMonth?, storedMw: Double, replayedMw: Double)

    public var description: String {
        switch self {
        case let .otherCase(order, stored, current):
            "order \(order), checked on case \(stored.name), does not give the same result on this case file: it was checked on sha256 "
                + "\(stored.sha256), this file's is \(current.sha256)"
        case let .notReproduced(order, checkedOn, month?, stored, replayed):
            "order \(order), checked on case \(checkedOn), does not give the same result on this case file: \(month) accepted \(stored) MW then, "
                + "\(replayed) MW now"
        case let .notReproduced(order, checkedOn, nil, stored, replayed):
            "order \(order), checked on case \(checkedOn), does not give the same result on this case file: \(stored) MWh accepted then, "
                + "\(replayed) MWh now"
        }
    }
}
