import Credentials
import Foundation
import MatchingCore
import Messages
import X509

/// A round's order is what the game yields on what the parties signed, and nothing else. The
/// consumer's `Matching/OpenRound` names the round (`ConsentIDs.round`) and carries the month,
/// the demand and the price limit; each generator's `Matching/SubmitOffer` names the round and
/// carries its offer. The review rebuilds the round from those signed bodies alone, clears it
/// as matching does (`RoundRules.clear`), and accepts the order only if the game gives its seller
/// exactly its energy, at its price, under its id.
enum RoundConsent {
    /// MWh slack when comparing the game's outputs (Doubles) with the order's.
    static let tolerance = 1e-6

    static func findings(
        _ order: TradeOrder, earlier: [ConsentKey: ConsentUse], authority: Certificate, clear: (Round) -> RoundRules.Clearing
    ) -> ConsentFindings {
        var findings = ConsentFindings()
        guard let roundId = order.roundId else { return findings }
        let evidence = order.signatures ?? []

        // The consumer's opening: exactly one, verified, naming this round.
        let openings = evidence.filter { $0.method == ConsentRules.openRound }
        guard openings.count == 1, let opening = openings.first, opening.member == order.buyer else {
            findings.reasons.append(
                openings.isEmpty || !openings.contains { $0.member == order.buyer }
                    ? "the buyer \(order.buyer) has not signed the order" : "the order carries more than one round opening"
            )
            return findings
        }
        let request: OpenRoundRequest
        do {
            _ = try PartySignatureCheck.verify(opening, authority: authority)
            request = try JSONDecoder().decode(OpenRoundRequest.self, from: opening.bodyBytes)
        } catch let error as AuthError {
            findings.reasons.append("the buyer's signature is refused: \(error.description)")
            return findings
        } catch {
            findings.reasons.append("the buyer's signature is refused: its opening does not state the month, demand and price limit it buys")
            return findings
        }
        let named = ConsentIDs.round(openedBy: opening.member, nonce: opening.nonce)
        guard named == roundId else {
            findings.reasons.append("the buyer's signature is refused: it opened round \(named), not \(roundId)")
            return findings
        }

        // Every offer the round cleared on: verified, from a generator, into this round, one each.
        var offers: [RoundOffer] = []
        var offerEvidence: [MemberID: PartySignature] = [:]
        for signed in evidence where signed.method == ConsentRules.submitOffer {
            switch offer(signed, roundId: roundId, authority: authority) {
            case .success(let offer):
                guard offerEvidence[offer.generator] == nil else {
                    findings.reasons.append("the round's evidence holds two offers from \(offer.generator)")
                    return findings
                }
                offerEvidence[offer.generator] = signed
                offers.append(offer)
            case .failure(let problem):
                findings.reasons.append("\(signed.member)'s offer is refused: \(problem.reason)")
            }
        }
        if let other = evidence.first(where: { ![ConsentRules.openRound, ConsentRules.submitOffer].contains($0.method) }) {
            findings.reasons.append("\(other.method) is not a consent to a round's order")
        }
        guard findings.reasons.isEmpty else { return findings }
        guard let sellerOffer = offerEvidence[order.seller] else {
            findings.reasons.append("the seller \(order.seller) has not signed the order")
            return findings
        }

        // The game on the signed round alone.
        let round = Round(
            id: roundId, consumer: opening.member, month: request.month, demandMwh: request.demandMwh, maxPrice: request.maxPrice,
            pricing: request.pricing ?? .paper, deadlineMs: 0, status: .open, offers: offers, openedAtMs: 0
        )
        switch clear(round) {
        case .failed(let why):
            findings.reasons.append("the game on the signed offers and demand does not clear: \(why)")
        case let .cleared(price, outputs, _):
            let sellers = outputs.keys.sorted()
            guard let index = sellers.firstIndex(of: order.seller), let mwh = outputs[order.seller] else {
                findings.reasons.append("the game on the signed offers and demand gives \(order.seller) no energy")
                break
            }
            if abs(order.mwh - mwh) > tolerance || order.monthlySplit.count != 1 || order.monthlySplit.first?.month != request.month
                || abs((order.monthlySplit.first?.mwh ?? 0) - mwh) > tolerance || order.price != price
            {
                findings.reasons.append(
                    "the game on the signed offers and demand yields \(mwh) MWh in \(request.month) at \(price) $/MWh for \(order.seller), "
                        + "not \(order.mwh) MWh over \(order.monthlySplit.map(\.month.rawValue).joined(separator: ", ")) at \(order.price) $/MWh"
                )
            }
            let id = OrderID("\(roundId)-\(index + 1)")
            if order.id != id { findings.reasons.append("the game names this order \(id), not \(order.id)") }
        }
        guard findings.reasons.isEmpty else { return findings }
        findings.claim(opening, for: .round(roundId), side: "buyer", earlier: earlier)
        findings.claim(sellerOffer, for: .order(order.id), side: "seller", earlier: earlier)
        return findings
    }

    struct Refusal: Error { var reason: String }

    /// The offer a signed `Matching/SubmitOffer` makes into `roundId`, with matching's own checks.
    private static func offer(_ signed: PartySignature, roundId: RoundID, authority: Certificate) -> Result<RoundOffer, Refusal> {
        let identity: MemberIdentity
        do {
            identity = try PartySignatureCheck.verify(signed, authority: authority)
        } catch {
            return .failure(Refusal(reason: error.description))
        }
        guard identity.role == .generator else { return .failure(Refusal(reason: "\(signed.member) is a \(identity.role.rawValue), not a generator")) }
        guard let request = try? JSONDecoder().decode(SubmitOfferRequest.self, from: signed.bodyBytes) else {
            return .failure(Refusal(reason: "its offer is unreadable"))
        }
        guard request.roundId == roundId else { return .failure(Refusal(reason: "it offered into another round, \(request.roundId)")) }
        do {
            try RoundRules.validate(request)
        } catch {
            return .failure(Refusal(reason: error.status.message))
        }
        var offer = RoundOffer(
            generator: signed.member, minMwh: request.minMwh, maxMwh: request.maxMwh, a: request.a, b: request.b, c: request.c, k: request.k,
            submittedAtMs: signed.timestampMs
        )
        offer.signature = signed
        return .success(offer)
    }
}
