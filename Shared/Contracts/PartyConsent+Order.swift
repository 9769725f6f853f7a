import Messages

/// A bilateral order's buyer or seller: the terms are its own confirmed order (parties, price),
/// at the energy the dispatch center's check accepted of it, which is never more than the order.
enum OrderConsent {
    /// The requests by which a party agrees to a bilateral order.
    static let consentMethods: Set<String> = ["Matching/CreateOrder", "Matching/ConfirmOrder"]

    static func check(_ terms: ContractTerms, member: MemberID, role: Role, facts: ConsentFacts, dispatchCenter: String?) throws(ConsentRefusal) {
        guard let order = facts.order, order.id.rawValue == terms.orderId else {
            throw ConsentRefusal("order \(terms.orderId) is not one this member has at hand")
        }
        guard order.roundId == nil else { throw ConsentRefusal("order \(order.id) is round \(order.roundId?.rawValue ?? "")'s, but the terms are bilateral") }
        guard order.status == .confirmed else { throw ConsentRefusal("order \(order.id) is \(order.status.rawValue), not confirmed") }
        let own = role == .consumer ? order.buyer : order.seller
        guard own == member else {
            throw ConsentRefusal("\(member) is not the \(role == .consumer ? "buyer" : "seller") of order \(order.id)")
        }
        guard (order.signatures ?? []).contains(where: { $0.member == member && consentMethods.contains($0.method) }) else {
            throw ConsentRefusal("order \(order.id) carries no signed request of \(member): it never agreed to it")
        }
        guard terms.buyer == order.buyer.rawValue else { throw ConsentRefusal("buyer \(terms.buyer) is not the order's \(order.buyer)") }
        guard terms.sellers.map(\.member) == [order.seller.rawValue] else {
            throw ConsentRefusal("sellers \(terms.sellers.map(\.member).joined(separator: ", ")) are not the order's \(order.seller)")
        }
        let price = Price.double(order.price)
        guard terms.price == price else { throw ConsentRefusal("price \(terms.price) is not the order's \(price)") }
        // The dispatch center's word on how much of it the network carries.
        try CheckedEnergy.bilateral(terms, checks: facts.checks, dispatchCenter: dispatchCenter)
        // ...which may cut the order, never add to it.
        let ordered = Dictionary(order.monthlySplit.map { ($0.month, $0.mwh) }, uniquingKeysWith: +)
        for month in terms.monthlySplit {
            guard let mwh = ordered[month.month] else { throw ConsentRefusal("month \(month.month) is not a month of order \(order.id)") }
            guard month.mwh <= mwh + PartyConsent.energyTolerance else {
                throw ConsentRefusal("month \(month.month) says \(month.mwh) MWh, more than the \(mwh) MWh ordered")
            }
        }
    }
}
