import Foundation
import Messages

/// The energies of a contract against the dispatch center's word: each order's part is what its
/// signed check accepted (curtailment is the dispatch center's call, not the parties'), at the
/// check's buses, citing that very check. The grid company and the dispatch center consent on
/// this alone; the buyer and sellers check it beside what they agreed to.
enum CheckedEnergy {
    /// - Parameter dispatchCenter: whose checks count (the document's dispatch center; for the
    ///   dispatch center itself, its own id).
    static func check(_ terms: ContractTerms, checks: [OrderID: VerifiedCheck], dispatchCenter: String?) throws(ConsentRefusal) {
        if let allocation = terms.allocation {
            try coalition(terms, allocation, checks: checks, dispatchCenter: dispatchCenter)
        } else {
            try bilateral(terms, checks: checks, dispatchCenter: dispatchCenter)
        }
    }

    /// The check of `order`, the dispatch center's, for that order, carrying some of it.
    static func usable(_ order: OrderID, _ checks: [OrderID: VerifiedCheck], dispatchCenter: String?) throws(ConsentRefusal) -> VerifiedCheck {
        guard let check = checks[order], check.result.order == order else { throw ConsentRefusal("no security check of order \(order) is at hand") }
        guard check.result.checker.rawValue == dispatchCenter else {
            throw ConsentRefusal("the check of order \(order) is by \(check.result.checker), not the contract's dispatch center \(dispatchCenter ?? "?")")
        }
        guard check.result.status != .rejected, check.result.acceptedMwh > 0 else {
            throw ConsentRefusal("the dispatch center refused order \(order) on the network: it carries nothing")
        }
        return check
    }

    static func bilateral(_ terms: ContractTerms, checks: [OrderID: VerifiedCheck], dispatchCenter: String?) throws(ConsentRefusal) {
        let order = OrderID(terms.orderId)
        let check = try usable(order, checks, dispatchCenter: dispatchCenter)
        let result = check.result
        guard terms.buyer == result.buyer.rawValue else { throw ConsentRefusal("buyer \(terms.buyer) is not the checked order's \(result.buyer)") }
        guard terms.sellers.map(\.member) == [result.seller.rawValue] else {
            throw ConsentRefusal("sellers \(terms.sellers.map(\.member).joined(separator: ", ")) are not the checked order's \(result.seller)")
        }
        guard terms.securityCheck == check.hash else {
            throw ConsentRefusal("security_check \(terms.securityCheck) is not the hash of the dispatch center's check of \(order)")
        }
        guard terms.sellerBus == result.sellerBus, terms.buyerBus == result.buyerBus else {
            throw ConsentRefusal("buses \(bus(terms.sellerBus))→\(bus(terms.buyerBus)) are not the check's \(bus(result.sellerBus))→\(bus(result.buyerBus))")
        }
        try months(terms, accepted: accepted([result]))
        // The one rule dispatch countersigned by before the desk: kept as the last word.
        guard terms.agree(with: result, checkPayload: check.payload) else {
            throw ConsentRefusal("the terms are not what the security check of \(order) accepted")
        }
    }

    static func coalition(
        _ terms: ContractTerms, _ allocation: [SellerAllocation], checks: [OrderID: VerifiedCheck], dispatchCenter: String?
    ) throws(ConsentRefusal) {
        var results: [SecurityCheckResult] = []
        for part in allocation {
            let order = OrderID(part.orderId)
            let check = try usable(order, checks, dispatchCenter: dispatchCenter)
            let result = check.result
            guard result.seller.rawValue == part.member, result.buyer.rawValue == terms.buyer else {
                throw ConsentRefusal("order \(order) was checked as \(result.seller) selling to \(result.buyer), not \(part.member) to \(terms.buyer)")
            }
            guard sameEnergy(part.outputMwh, result.acceptedMwh) else {
                throw ConsentRefusal("\(part.member)'s output \(part.outputMwh) MWh is not the \(result.acceptedMwh) MWh the check of \(order) accepted")
            }
            guard part.bus == result.sellerBus else {
                throw ConsentRefusal("\(part.member)'s bus \(bus(part.bus)) is not the check's \(bus(result.sellerBus))")
            }
            guard part.securityCheck == check.hash else {
                throw ConsentRefusal("\(part.member)'s security_check is not the hash of the dispatch center's check of \(order)")
            }
            guard terms.buyerBus == nil || terms.buyerBus == result.buyerBus else {
                throw ConsentRefusal("buyer bus \(bus(terms.buyerBus)) is not the check's \(bus(result.buyerBus))")
            }
            results.append(result)
        }
        try months(terms, accepted: accepted(results))
    }

    /// Accepted MWh by month, summed over the checks (months the network refused left out).
    static func accepted(_ results: [SecurityCheckResult]) -> [DeliveryMonth: Double] {
        var byMonth: [DeliveryMonth: Double] = [:]
        for result in results {
            for month in result.months where month.acceptedMwh > 0 { byMonth[month.month, default: 0] += month.acceptedMwh }
        }
        return byMonth
    }

    /// The terms' months are exactly the accepted ones, each at its accepted energy.
    static func months(_ terms: ContractTerms, accepted: [DeliveryMonth: Double]) throws(ConsentRefusal) {
        let split = Dictionary(terms.monthlySplit.map { ($0.month, $0.mwh) }, uniquingKeysWith: +)
        for (month, mwh) in accepted.sorted(by: { $0.key < $1.key }) {
            guard let written = split[month] else { throw ConsentRefusal("month \(month), accepted at \(mwh) MWh, is missing from the terms") }
            guard sameEnergy(written, mwh) else { throw ConsentRefusal("month \(month) says \(written) MWh; the dispatch center accepted \(mwh)") }
        }
        for month in split.keys.sorted() where accepted[month] == nil {
            throw ConsentRefusal("month \(month) is in the terms but the dispatch center accepted nothing in it")
        }
    }

    static func bus(_ bus: Int?) -> String { bus.map(String.init) ?? "none" }
}
