import Auth
import Bus
import Credentials
import Crypto
import Foundation
import Messages
import ReviewCore
import Testing

/// A CA, a generator and a consumer with certificates, and a bilateral order both signed.
struct Market {
    let authority: CertificateAuthority
    let seller: MemberSigner
    let buyer: MemberSigner
    let split = [MonthlyEnergy(month: "2099-01", mwh: 300), MonthlyEnergy(month: "2099-02", mwh: 200)]

    init() throws {
        authority = try CertificateAuthority.create(now: Date())
        seller = try Self.signer(authority, .generator)
        buyer = try Self.signer(authority, .consumer)
    }

    static func signer(_ authority: CertificateAuthority, _ role: Role) throws -> MemberSigner {
        let key = MemberKey.generate()
        let id = MemberIDs.derive(key.publicKey)
        return MemberSigner(memberID: id, privateKey: key, certificate: try authority.issue(memberID: id, role: role, publicKey: key.publicKey, now: Date()))
    }

    /// The evidence matching keeps: a signed request with its exact body.
    func evidence<T: Encodable>(_ signer: MemberSigner, _ method: String, _ body: T) throws -> PartySignature {
        let bytes = try JSONEncoder().encode(body)
        let context = RequestContext(method: method, metadata: try signer.metadata(method: method, body: bytes), body: bytes)
        return try PartySignature(authenticated: context)
    }

    func order(price: Decimal = 40, split: [MonthlyEnergy]? = nil) throws -> TradeOrder {
        let split = split ?? self.split
        let create = try evidence(seller, "Matching/CreateOrder", CreateOrderRequest(seller: seller.member, buyer: buyer.member, price: price, monthlySplit: split))
        // The id matching gives it: named by the creation.
        let id = ConsentIDs.order(createdBy: seller.member, nonce: create.nonce)
        let confirm = try evidence(buyer, "Matching/ConfirmOrder", OrderDecision(orderId: id))
        return TradeOrder(
            id: id, creator: seller.member, createdAtMs: 0, seller: seller.member, buyer: buyer.member, mwh: split.reduce(0) { $0 + $1.mwh },
            price: price, periodStart: split.map(\.month).min()!, periodEnd: split.map(\.month).max()!, monthlySplit: split, status: .confirmed,
            signatures: [create, confirm]
        )
    }

    func member(_ signer: MemberSigner, _ role: Role, _ status: MemberStatus = .approved) -> Member {
        Member(id: signer.member, role: role, legalName: "x", licence: "L-\(signer.memberID)", contact: "c", status: status, publicKey: "", registeredAtMs: 0)
    }

    /// Facts under which `order()` passes: both admitted, plans of 1 MW (744 and 672 MWh), nothing approved yet.
    func facts() -> ReviewFacts {
        ReviewFacts(
            seller: member(seller, .generator), buyer: member(buyer, .consumer), revoked: [],
            planMaxMw: ["2099-01": 1, "2099-02": 1], approvedMwh: [:], limits: .defaults, nowMs: Date().unixMilliseconds
        )
    }

    func reasons(_ order: TradeOrder, _ facts: ReviewFacts) -> [String] {
        ReviewRules.reasons(order, facts, authority: authority.certificate)
    }
}

@Suite("The trading center's review rules")
struct ReviewRulesTests {
    @Test("a confirmed order signed by both admitted parties, within plan, price and period, is approved")
    func approved() throws {
        let market = try Market()
        #expect(market.reasons(try market.order(), market.facts()) == [])
    }

    @Test("every failing rule is a reason: revoked buyer, price above the cap, a month already begun, no plan")
    func everyReason() throws {
        let market = try Market()
        var facts = market.facts()
        facts.revoked = [market.buyer.member]
        facts.planMaxMw = ["2099-01": 1]
        facts.limits = ReviewLimits(priceFloor: 10, priceCap: 30)
        let order = try market.order(split: [MonthlyEnergy(month: "2020-01", mwh: 10), MonthlyEnergy(month: "2099-02", mwh: 5)])
        let reasons = market.reasons(order, facts)
        #expect(reasons.count == 5, "\(reasons)")
        #expect(reasons.contains { $0.contains("buyer") && $0.contains("revoked") })
        #expect(reasons.contains { $0.contains("price 40 $/MWh") && $0.contains("cap 30") })
        #expect(reasons.contains { $0.contains("2020-01 is closed") })
        #expect(reasons.contains { $0.contains("no published plan for 2020-01") })
        #expect(reasons.contains { $0.contains("no published plan for 2099-02") })
    }

    @Test("energy beyond the plan beside earlier approvals is refused: nothing is sold twice")
    func doubleSold() throws {
        let market = try Market()
        var facts = market.facts()
        // 744 MWh of room in January; 500 already approved, 300 more would be 800.
        facts.approvedMwh = ["2099-01": 500]
        let reasons = market.reasons(try market.order(), facts)
        #expect(reasons.count == 1)
        #expect(reasons.first?.contains("2099-01") == true && reasons.first?.contains("already approved") == true)
        facts.approvedMwh = ["2099-01": 444]
        #expect(market.reasons(try market.order(), facts) == [])
    }

    @Test("a missing confirmation, a signature over other terms and a forged signature are each refused")
    func signatures() throws {
        let market = try Market()
        var unconfirmed = try market.order()
        unconfirmed.signatures = [unconfirmed.signatures![0]]
        #expect(market.reasons(unconfirmed, market.facts()).contains { $0.contains("buyer") && $0.contains("has not signed") })

        // The seller signed 40 $/MWh; the order says 45.
        var changed = try market.order()
        changed.price = 45
        #expect(market.reasons(changed, market.facts()).contains { $0.contains("seller's signature is refused") && $0.contains("other terms") })

        var forged = try market.order()
        let impostor = try Market.signer(market.authority, .consumer)
        var confirm = try market.evidence(impostor, "Matching/ConfirmOrder", OrderDecision(orderId: forged.id))
        confirm.member = market.buyer.member
        forged.signatures![1] = confirm
        #expect(market.reasons(forged, market.facts()).contains { $0.contains("buyer's signature is refused") })

        var otherOrder = try market.order()
        otherOrder.signatures![1] = try market.evidence(market.buyer, "Matching/ConfirmOrder", OrderDecision(orderId: "o-other"))
        #expect(market.reasons(otherOrder, market.facts()).contains { $0.contains("confirmed another order") })
    }

    @Test("a certificate from another CA does not count as a signature")
    func otherAuthority() throws {
        let market = try Market()
        let other = try Market()
        let order = try other.order()
        var facts = market.facts()
        facts.seller = other.member(other.seller, .generator)
        facts.buyer = other.member(other.buyer, .consumer)
        let reasons = market.reasons(order, facts)
        #expect(reasons.filter { $0.contains("signature is refused") }.count == 2)
    }

    @Test("a pending seller and a buyer registered as a generator are not admitted parties")
    func members() throws {
        let market = try Market()
        var facts = market.facts()
        facts.seller = market.member(market.seller, .generator, .pending)
        facts.buyer = market.member(market.buyer, .generator)
        let reasons = market.reasons(try market.order(), facts)
        #expect(reasons.contains { $0.contains("seller") && $0.contains("pending") })
        #expect(reasons.contains { $0.contains("buyer") && $0.contains("not a consumer") })
        facts.seller = nil
        #expect(market.reasons(try market.order(), facts).contains { $0.contains("is not a member") })
    }

    @Test("statements: the trading center's signature verifies, a changed payload or a wrong role does not")
    func statements() throws {
        let market = try Market()
        let tradingCenter = try Market.signer(market.authority, .tradingCenter)
        let decision = ReviewDecision(orderId: "o-1", order: try market.order(), status: .approved, reasons: [], reviewedAtMs: 1, reviewer: tradingCenter.member)
        let kind = SignedStatement.Kind.reviewDecision
        let statement = try StatementSignature.sign(decision, kind: kind, by: tradingCenter)
        let read = try StatementSignature.verify(statement, as: ReviewDecision.self, kind: kind, role: .tradingCenter, authority: market.authority.certificate)
        #expect(read == decision)
        var changed = statement
        var tampered = decision
        tampered.status = .rejected
        changed.payload = try JSONEncoder().encode(tampered).base64EncodedString()
        #expect(throws: StatementError.self) {
            try StatementSignature.verify(changed, as: ReviewDecision.self, kind: kind, role: .tradingCenter, authority: market.authority.certificate)
        }
        let bySeller = try StatementSignature.sign(decision, kind: kind, by: market.seller)
        #expect(throws: StatementError.self) {
            try StatementSignature.verify(bySeller, as: ReviewDecision.self, kind: kind, role: .tradingCenter, authority: market.authority.certificate)
        }
    }
}
