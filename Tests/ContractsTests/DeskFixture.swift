import Contracts
import Credentials
import Crypto
import Foundation
import Messages

/// One approved, security-checked order between the fixture's consumer and generator, the two
/// desks' signed statements about it, and every party's registry record: the facts the trading
/// center drafts from and the dispatch center countersigns against.
struct DeskFixture {
    let parties: ContractFixture
    /// Taken after the certificates are issued: one issued in the next second is not valid before it.
    let now: Date
    let order: TradeOrder
    /// Every party but the trading center, as the registry has them.
    let members: [MemberID: Member]

    init() throws {
        let parties = try ContractFixture()
        self.parties = parties
        now = Date()
        let records = [
            try Self.record(parties.consumer, role: .consumer), try Self.record(parties.generator, role: .generator),
            try Self.record(parties.gridCompany, role: .gridCompany), try Self.record(parties.dispatchCenter, role: .dispatchCenter),
        ]
        members = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        order = TradeOrder(
            id: "o-7", creator: parties.consumer.member, createdAtMs: 0, seller: parties.generator.member, buyer: parties.consumer.member,
            mwh: 200, price: 20, periodStart: "2099-01", periodEnd: "2099-02",
            monthlySplit: [MonthlyEnergy(month: "2099-01", mwh: 120), MonthlyEnergy(month: "2099-02", mwh: 80)], status: .confirmed
        )
    }

    var tradingCenter: MemberSigner { parties.tradingCenter }
    var dispatchCenter: MemberSigner { parties.dispatchCenter }
    var gridCompany: MemberSigner { parties.gridCompany }

    /// The trading center's signed decision of the order.
    func review(_ status: ReviewStatus = .approved, reasons: [String] = []) throws -> SignedReviewDecision {
        let decision = ReviewDecision(orderId: order.id, order: order, status: status, reasons: reasons, reviewedAtMs: 1, reviewer: tradingCenter.member)
        return SignedReviewDecision(
            seq: 3, decision: decision, statement: try StatementSignature.sign(decision, kind: .reviewDecision, by: tradingCenter)
        )
    }

    /// The dispatch center's signed check: January accepted in full, February curtailed to 50 MWh by default.
    func check(
        order orderId: OrderID? = nil, january: Double = 120, february: Double = 50, status: SecurityStatus = .curtailed, checkedAtMs: Int64 = 2,
        by signer: MemberSigner? = nil
    ) throws -> SignedSecurityCheck {
        let months = [
            MonthCheck(
                month: "2099-01", requestedMw: 120 / 744, acceptedMw: january / 744, acceptedMwh: january,
                status: january == 120 ? .accepted : .curtailed, binding: []
            ),
            MonthCheck(
                month: "2099-02", requestedMw: 80 / 672, acceptedMw: february / 672, acceptedMwh: february,
                status: february == 80 ? .accepted : .curtailed, binding: []
            ),
        ]
        let signer = signer ?? dispatchCenter
        let result = SecurityCheckResult(
            orderId: orderId ?? order.id, reviewSeq: 3, seller: order.seller, buyer: order.buyer, sellerBus: 1, buyerBus: 4, status: status,
            requestedMwh: 200, acceptedMwh: january + february, months: months, reason: nil, nMinus1: true,
            network: NetworkIdentity(name: "case30", sha256: String(repeating: "3", count: 64)), checkedAtMs: checkedAtMs, checker: signer.member
        )
        return SignedSecurityCheck(seq: 1, result: result, statement: try StatementSignature.sign(result, kind: .securityCheck, by: signer))
    }

    func request(_ check: SignedSecurityCheck, order orderId: OrderID? = nil) -> DraftContractRequest {
        DraftContractRequest(orderId: orderId ?? order.id, gridCompany: gridCompany.member, securityCheck: check.statement)
    }

    /// What the review service gathers for a draft request by `caller` (the buyer by default).
    func facts(_ request: DraftContractRequest, caller: MemberID? = nil, review: SignedReviewDecision?) -> DraftRequestFacts {
        DraftRequestFacts(
            request: request, caller: caller ?? parties.consumer.member, review: review, drafter: tradingCenter,
            authority: parties.authority.certificate, now: now
        )
    }

    /// The registry's record of a signer: approved, with its certificate.
    static func record(_ signer: MemberSigner, role: Role, status: MemberStatus = .approved) throws -> Member {
        Member(
            id: signer.member, role: role, legalName: signer.memberID, licence: "L", contact: "c", status: status,
            publicKey: signer.privateKey.publicKey.derRepresentation.base64EncodedString(),
            certificate: try signer.certificate.map { try CertificatePEM.encode($0) }, registeredAtMs: 0
        )
    }

    /// A draft the trading center made and signed from the default facts.
    func draft(check: SignedSecurityCheck? = nil) throws -> SignedContract {
        let check = try check ?? self.check()
        let plan = try ContractDrafting.admit(facts(request(check), review: try review()))
        return try ContractDrafting.draft(plan, members: members, revoked: [], now: now, salt: ContractDraft.salt())
    }
}
