import Messages

/// What every party checks before its own facts: the terms and the public document describe the
/// same contract, with the same parties, and the terms add up. A party signs the document, so a
/// document that names someone the terms do not (or another contract) is refused whatever the terms say.
enum ContractForm {
    static func check(_ terms: ContractTerms, _ document: ContractDocument, member: MemberID, role: Role) throws(ConsentRefusal) {
        guard document.parties.contains(ContractParty(member: member.rawValue, role: role)) else {
            throw ConsentRefusal("the document does not name \(member) as its \(role.rawValue)")
        }
        guard terms.contractId == document.contractId, terms.orderId == document.orderId else {
            throw ConsentRefusal("the terms are of \(terms.contractId) (order \(terms.orderId)), the document of \(document.contractId) (order \(document.orderId))")
        }
        guard terms.contractId == ContractDocument.contractID(order: terms.orderId) else {
            throw ConsentRefusal("contract id \(terms.contractId) is not ct- followed by \(terms.orderId)")
        }
        try parties(terms, document)
        try sums(terms, document)
        try coalition(terms)
    }

    /// The document's consumer, generators and grid company are the terms' buyer, sellers and grid company.
    static func parties(_ terms: ContractTerms, _ document: ContractDocument) throws(ConsentRefusal) {
        let consumers = document.parties.filter { $0.role == .consumer }.map(\.member)
        guard consumers == [terms.buyer] else {
            throw ConsentRefusal("the document's consumer \(consumers.joined(separator: ", ")) is not the buyer \(terms.buyer)")
        }
        let sellers = terms.sellers.map(\.member)
        guard Set(sellers).count == sellers.count else { throw ConsentRefusal("a seller is named twice in the terms") }
        let generators = document.parties.filter { $0.role == .generator }.map(\.member)
        guard Set(generators) == Set(sellers), generators.count == sellers.count else {
            throw ConsentRefusal("the document's generators (\(generators.sorted().joined(separator: ", "))) are not the sellers (\(sellers.sorted().joined(separator: ", ")))")
        }
        let gridCompanies = document.parties.filter { $0.role == .gridCompany }.map(\.member)
        guard gridCompanies == [terms.gridCompany] else {
            throw ConsentRefusal("the document's grid company \(gridCompanies.joined(separator: ", ")) is not the terms' \(terms.gridCompany)")
        }
        guard document.dispatchCenter != nil else { throw ConsentRefusal("the document names no single dispatch center") }
    }

    /// The total is the months' sum and the sellers' sum; the document's period is the months'.
    static func sums(_ terms: ContractTerms, _ document: ContractDocument) throws(ConsentRefusal) {
        guard terms.energyMwh > 0 else { throw ConsentRefusal("the terms carry no energy") }
        let months = terms.monthlySplit.reduce(0) { $0 + $1.mwh }
        guard sameEnergy(months, terms.energyMwh) else {
            throw ConsentRefusal("energy_mwh \(terms.energyMwh) is not the sum of the months, \(months)")
        }
        let sold = terms.sellers.reduce(0) { $0 + $1.mwh }
        guard sameEnergy(sold, terms.energyMwh) else {
            throw ConsentRefusal("energy_mwh \(terms.energyMwh) is not the sum the sellers sell, \(sold)")
        }
        let sorted = terms.monthlySplit.map(\.month.rawValue).sorted()
        guard Set(sorted).count == sorted.count else { throw ConsentRefusal("a month is named twice in monthly_split") }
        guard sorted.first == document.periodStart, sorted.last == document.periodEnd else {
            throw ConsentRefusal("the document's period \(document.periodStart)…\(document.periodEnd) is not the terms' months")
        }
    }

    /// A coalition contract is one round's, with one allocation entry per seller at its energy.
    static func coalition(_ terms: ContractTerms) throws(ConsentRefusal) {
        guard let roundId = terms.roundId else {
            guard terms.allocation == nil else { throw ConsentRefusal("the terms carry an allocation but no round_id") }
            return
        }
        guard terms.orderId == roundId else { throw ConsentRefusal("a coalition contract's order_id \(terms.orderId) is not its round \(roundId)") }
        guard let allocation = terms.allocation else { throw ConsentRefusal("the terms of round \(roundId) carry no allocation") }
        let members = allocation.map(\.member)
        guard Set(members).count == members.count, Set(members) == Set(terms.sellers.map(\.member)) else {
            throw ConsentRefusal("the allocation's members (\(members.sorted().joined(separator: ", "))) are not the sellers")
        }
        let orders = allocation.map(\.orderId)
        guard Set(orders).count == orders.count else { throw ConsentRefusal("an order is named twice in the allocation") }
        // The top-level hashes cover every part's, so a part cannot change under one hash.
        guard terms.securityCheck == ContractTerms.joined(allocation.map(\.securityCheck)),
              terms.reviewDecision == ContractTerms.joined(allocation.map(\.reviewDecision))
        else { throw ConsentRefusal("security_check or review_decision is not the hash of the parts' hashes") }
        for part in allocation {
            guard let share = terms.sellers.first(where: { $0.member == part.member }), sameEnergy(share.mwh, part.outputMwh) else {
                throw ConsentRefusal("\(part.member) sells a different energy than its allocation's output \(part.outputMwh)")
            }
        }
    }
}
