import Messages

/// A round's consumer or generator: the terms are the round's clearing as matching recorded it
/// (`Matching/GetRound`): its price, its serving coalition, each seller's offer and Shapley share,
/// at the energies the dispatch center's checks accepted.
enum RoundConsent {
    static func check(_ terms: ContractTerms, member: MemberID, role: Role, facts: ConsentFacts, dispatchCenter: String?) throws(ConsentRefusal) {
        guard let roundId = terms.roundId, let allocation = terms.allocation else {
            throw ConsentRefusal("the terms of a round carry no round_id or allocation")
        }
        guard let round = facts.round, round.id.rawValue == roundId else { throw ConsentRefusal("round \(roundId) is not one this member has at hand") }
        guard round.status == .cleared, let outcome = round.outcome else { throw ConsentRefusal("round \(roundId) is \(round.status.rawValue), not cleared") }
        guard terms.buyer == round.consumer.rawValue else { throw ConsentRefusal("buyer \(terms.buyer) is not the round's consumer \(round.consumer)") }
        let price = Price.double(outcome.clearingPrice)
        guard terms.price == price else { throw ConsentRefusal("price \(terms.price) is not the round's clearing price \(price)") }
        guard terms.monthlySplit.allSatisfy({ $0.month == round.month }) else { throw ConsentRefusal("the terms deliver outside the round's month \(round.month)") }
        for seller in terms.sellers {
            guard let output = outcome.outputs[MemberID(seller.member)], output > 0 else {
                throw ConsentRefusal("seller \(seller.member) is not in the round's serving coalition")
            }
        }
        for part in allocation where role == .consumer || part.member == member.rawValue {
            try self.part(part, round: round, outcome: outcome, checks: facts.checks)
        }
        switch role {
        case .consumer:
            guard round.consumer == member else { throw ConsentRefusal("\(member) did not open round \(roundId)") }
            try servingCoalition(terms, outcome: outcome, checks: facts.checks, dispatchCenter: dispatchCenter)
            // Every seller's energy, as the checks accepted it.
            try CheckedEnergy.coalition(terms, allocation, checks: facts.checks, dispatchCenter: dispatchCenter)
        default:
            guard let own = allocation.first(where: { $0.member == member.rawValue }) else {
                throw ConsentRefusal("\(member) is not among the sellers of round \(roundId)")
            }
            try output(own, outcome: outcome, checks: facts.checks, dispatchCenter: dispatchCenter)
        }
    }

    /// One seller's entry says its own offer and what the game gave it.
    static func part(_ part: SellerAllocation, round: Round, outcome: RoundOutcome, checks: [OrderID: VerifiedCheck]) throws(ConsentRefusal) {
        let member = MemberID(part.member)
        guard outcome.orderIds.contains(OrderID(part.orderId)) else {
            throw ConsentRefusal("\(part.member)'s order \(part.orderId) is not one of round \(round.id)'s")
        }
        guard let offer = round.offers.first(where: { $0.generator == member }) else { throw ConsentRefusal("\(part.member) made no offer in round \(round.id)") }
        guard part.a == offer.a, part.b == offer.b else {
            throw ConsentRefusal("\(part.member)'s a, b (\(part.a), \(part.b)) are not its offer's (\(offer.a), \(offer.b))")
        }
        let shapley = outcome.shapley[member] ?? 0
        guard abs(part.shapley - shapley) <= PartyConsent.shapleyTolerance else {
            throw ConsentRefusal("\(part.member)'s Shapley share \(part.shapley) is not the round's \(shapley)")
        }
        guard let output = outcome.outputs[member], part.outputMwh <= output + PartyConsent.energyTolerance * max(1, output) else {
            throw ConsentRefusal("\(part.member)'s output \(part.outputMwh) MWh is more than the round gave it")
        }
    }

    /// A seller's output is the round's, or what the dispatch center accepted of its order.
    static func output(_ own: SellerAllocation, outcome: RoundOutcome, checks: [OrderID: VerifiedCheck], dispatchCenter: String?) throws(ConsentRefusal) {
        let cleared = outcome.outputs[MemberID(own.member)] ?? 0
        let order = OrderID(own.orderId)
        if let check = checks[order] {
            // With its check at hand, the entry must cite it whether or not it was curtailed.
            let checked = try CheckedEnergy.usable(order, checks, dispatchCenter: dispatchCenter)
            guard checked.result.seller.rawValue == own.member else { throw ConsentRefusal("order \(order) was checked as \(checked.result.seller)'s") }
            guard own.securityCheck == check.hash else { throw ConsentRefusal("\(own.member)'s security_check is not the hash of the check of \(order)") }
            guard own.bus == check.result.sellerBus else { throw ConsentRefusal("\(own.member)'s bus is not the check's") }
            guard sameEnergy(own.outputMwh, check.result.acceptedMwh) else {
                throw ConsentRefusal("\(own.member)'s output \(own.outputMwh) MWh is not the \(check.result.acceptedMwh) MWh the check of \(order) accepted")
            }
        } else {
            guard sameEnergy(own.outputMwh, cleared) else {
                throw ConsentRefusal("\(own.member)'s output \(own.outputMwh) MWh is not the round's \(cleared) MWh")
            }
        }
    }

    /// No generator that serves is left out: one missing from the sellers must have had all of
    /// its order refused on the network.
    static func servingCoalition(_ terms: ContractTerms, outcome: RoundOutcome, checks: [OrderID: VerifiedCheck], dispatchCenter: String?) throws(ConsentRefusal) {
        let sellers = Set(terms.sellers.map(\.member))
        for (generator, output) in outcome.outputs.sorted(by: { $0.key < $1.key }) where output > 0 && !sellers.contains(generator.rawValue) {
            let check = outcome.orderIds.compactMap { checks[$0] }.first { $0.result.seller == generator }
            guard let check, check.result.checker.rawValue == dispatchCenter, check.result.status == .rejected || check.result.acceptedMwh <= 0 else {
                throw ConsentRefusal("\(generator) of the serving coalition is left out of the sellers")
            }
        }
    }
}
