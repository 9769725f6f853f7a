import Crypto
import Foundation
import Messages

extension ContractTerms {
    /// The one contract of a cleared round (SPEC.md sections 4 and 6): the consumer buys the
    /// demand from every seller of the serving coalition at the clearing price, and each seller's
    /// part records its offer's a and b, its output and its Shapley share, with the review and the
    /// check of its own order. `review_decision` and `security_check` at the top are the SHA-256 of
    /// the parts' hashes, one per line in order of the parts, so one hash still covers every word.
    /// - Parameter parts: each order of the coalition with its approved decision and its check, in
    ///   order id order; every part must have both (`TradeDrafting.step` said `.draft`).
    public static func coalition(round: Round, parts: [(review: SignedReviewDecision, check: SignedSecurityCheck)], gridCompany: MemberID, salt: String) -> ContractTerms {
        let clearing = round.outcome?.clearingPrice ?? 0
        let allocation = parts.map { part in
            let seller = part.review.decision.order.seller
            let offer = round.offers.first { $0.generator == seller }
            return SellerAllocation(
                member: seller.rawValue, orderId: part.review.decision.orderId.rawValue, a: offer?.a ?? 0, b: offer?.b ?? 0,
                outputMwh: part.check.result.acceptedMwh, shapley: round.outcome?.shapley[seller] ?? 0, bus: part.check.result.sellerBus,
                reviewDecision: payloadHash(part.review.statement), securityCheck: payloadHash(part.check.statement)
            )
        }
        let energy = allocation.reduce(0) { $0 + $1.outputMwh }
        return ContractTerms(
            contractId: ContractDocument.contractID(order: round.id.rawValue), orderId: round.id.rawValue, buyer: round.consumer.rawValue,
            sellers: allocation.map { SellerShare(member: $0.member, mwh: $0.outputMwh) }, price: Price.double(clearing), energyMwh: energy,
            monthlySplit: [MonthlyEnergy(month: round.month, mwh: energy)], gridCompany: gridCompany.rawValue, sellerBus: nil,
            buyerBus: parts.first?.check.result.buyerBus, reviewDecision: joined(allocation.map(\.reviewDecision)),
            securityCheck: joined(allocation.map(\.securityCheck)), salt: salt, roundId: round.id.rawValue, allocation: allocation
        )
    }

    /// Hex SHA-256 of a statement's exact payload bytes.
    public static func payloadHash(_ statement: SignedStatement) -> String {
        SHA256.hash(data: Data(base64Encoded: statement.payload) ?? Data()).hexString
    }

    /// Hex SHA-256 of the hashes, one per line.
    public static func joined(_ hashes: [String]) -> String {
        SHA256.hash(data: Data(hashes.joined(separator: "\n").utf8)).hexString
    }
}
