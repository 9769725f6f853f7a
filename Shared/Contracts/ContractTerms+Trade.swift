import Crypto
import Foundation
import Messages

extension ContractTerms {
    /// The terms of an approved order as the dispatch center accepted it: the order's parties and
    /// price, the energy of every month the network carries (a curtailed month at its accepted
    /// energy, a rejected one left out).
    /// The terms keep the ids as strings and the price as a Double, for the ledger side that reads
    /// them; the order's Decimal price becomes the Double that prints the same (14.16 stays 14.16).
    /// - Parameters: reviewPayload, checkPayload: the exact signed payload bytes of the two statements.
    public static func of(
        decision: ReviewDecision, check: SecurityCheckResult, gridCompany: MemberID, reviewPayload: Data, checkPayload: Data, salt: String
    ) -> ContractTerms {
        let months = check.months.filter { $0.acceptedMwh > 0 }.map { MonthlyEnergy(month: $0.month, mwh: $0.acceptedMwh) }
        let energy = months.reduce(0) { $0 + $1.mwh }
        return ContractTerms(
            contractId: ContractDocument.contractID(order: decision.orderId.rawValue), orderId: decision.orderId.rawValue,
            buyer: decision.order.buyer.rawValue, sellers: [SellerShare(member: decision.order.seller.rawValue, mwh: energy)],
            price: Price.double(decision.order.price), energyMwh: energy, monthlySplit: months, gridCompany: gridCompany.rawValue, sellerBus: check.sellerBus, buyerBus: check.buyerBus,
            reviewDecision: SHA256.hash(data: reviewPayload).hexString, securityCheck: SHA256.hash(data: checkPayload).hexString, salt: salt
        )
    }

    /// Whether these terms say what the dispatch center's check accepted, month by month
    /// (within 1e-6 MWh), for the same order and parties, citing that very check.
    public func agree(with check: SecurityCheckResult, checkPayload: Data) -> Bool {
        let accepted = check.months.filter { $0.acceptedMwh > 0 }
        guard orderId == check.orderId, buyer == check.buyer.rawValue, sellers.map(\.member) == [check.seller.rawValue],
              securityCheck == SHA256.hash(data: checkPayload).hexString, monthlySplit.count == accepted.count
        else { return false }
        return zip(monthlySplit.sorted { $0.month < $1.month }, accepted.sorted { $0.month < $1.month }).allSatisfy {
            $0.month == $1.month && abs($0.mwh - $1.acceptedMwh) <= 1e-6
        }
    }
}
