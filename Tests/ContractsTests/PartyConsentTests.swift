import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import Testing

/// A party's consent: each role signs the terms it agreed to, and refuses each single change.
/// Terms are drafted and sealed with the real functions and read back through the party's copy.
@Suite("A party signs a draft only if its copy says what it agreed to")
struct PartyConsentTests {
    /// Drafts `terms` for `parties`, opens the copy as `signer` and decides as `role`.
    static func decide(
        _ terms: ContractTerms, parties: [ContractParty], keys: [String: P256.Signing.PublicKey], as signer: MemberSigner, role: Role, facts: ConsentFacts
    ) throws -> ConsentDecision {
        let draft = try ContractDraft.make(terms: terms, parties: parties, keys: keys, draftedAtMs: 1_700_000_000_000)
        let read = try ContractDraft.read(draft, as: signer.memberID, key: signer.privateKey)
        return PartyConsent.decide(terms: read, document: try ContractSigning.document(of: draft), member: signer.member, role: role, facts: facts)
    }

    static func refused(_ decision: ConsentDecision, mentioning words: String) -> Bool {
        guard case .refuse(let reason) = decision else { return false }
        return reason.contains(words)
    }

    // MARK: bilateral

    /// The desk fixture's order, confirmed and carrying both parties' signed requests, its check,
    /// and the terms the trading center drafts from them.
    struct Bilateral {
        let desk: DeskFixture
        let order: TradeOrder
        let check: SignedSecurityCheck
        let terms: ContractTerms

        init() throws {
            desk = try DeskFixture()
            var order = desk.order
            order.signatures = [
                Self.evidence(desk.parties.consumer.member, "Matching/CreateOrder"), Self.evidence(desk.parties.generator.member, "Matching/ConfirmOrder"),
            ]
            self.order = order
            check = try desk.check()
            let draft = try desk.draft(check: check)
            terms = try ContractDraft.read(draft, as: desk.parties.consumer.memberID, key: desk.parties.consumer.privateKey)
        }

        static func evidence(_ member: MemberID, _ method: String) -> PartySignature {
            PartySignature(member: member, method: method, body: "", timestampMs: 0, nonce: "n", signature: "", certificate: "")
        }

        var parties: [ContractParty] { desk.parties.parties }
        var keys: [String: P256.Signing.PublicKey] { desk.parties.keys }
        var verified: VerifiedCheck { VerifiedCheck(check)! }
        var facts: ConsentFacts { ConsentFacts(order: order, checks: [verified]) }

        /// Every role with the facts it gathers.
        var roles: [(MemberSigner, Role, ConsentFacts)] {
            [
                (desk.parties.consumer, .consumer, facts), (desk.parties.generator, .generator, facts),
                (desk.parties.gridCompany, .gridCompany, ConsentFacts(checks: [verified])),
                (desk.parties.dispatchCenter, .dispatchCenter, ConsentFacts(checks: [verified])),
            ]
        }

        func decide(_ terms: ContractTerms? = nil, parties: [ContractParty]? = nil, as index: Int, facts: ConsentFacts? = nil) throws -> ConsentDecision {
            let (signer, role, gathered) = roles[index]
            return try PartyConsentTests.decide(terms ?? self.terms, parties: parties ?? self.parties, keys: keys, as: signer, role: role, facts: facts ?? gathered)
        }
    }

    @Test("consumer, generator, grid company and dispatch center each sign the drafted terms of a curtailed order")
    func bilateralSigns() throws {
        let fixture = try Bilateral()
        #expect(fixture.terms.energyMwh == 170)
        for index in fixture.roles.indices {
            #expect(try fixture.decide(as: index) == .sign, "role \(fixture.roles[index].1)")
        }
    }

    @Test("buyer and seller refuse another price; every role refuses energy the check did not accept")
    func bilateralPriceAndEnergy() throws {
        let fixture = try Bilateral()
        var price = fixture.terms
        price.price = 20.5
        #expect(Self.refused(try fixture.decide(price, as: 0), mentioning: "price 20.5"))
        #expect(Self.refused(try fixture.decide(price, as: 1), mentioning: "price 20.5"))

        // February back at the ordered 80 MWh: the dispatch center curtailed it to 50.
        var energy = fixture.terms
        energy.monthlySplit[1].mwh = 80
        energy.energyMwh = 200
        energy.sellers[0].mwh = 200
        for index in fixture.roles.indices {
            #expect(Self.refused(try fixture.decide(energy, as: index), mentioning: "2099-02"), "role \(fixture.roles[index].1)")
        }
    }

    @Test("a seller added or swapped, another buyer, another grid company: refused")
    func bilateralParties() throws {
        let fixture = try Bilateral()
        let outsider = try ContractFixture.member(fixture.desk.parties.authority, .generator)
        var keys = fixture.keys
        keys[outsider.memberID] = outsider.privateKey.publicKey

        // A second seller, named in the document too.
        var added = fixture.terms
        added.sellers = [SellerShare(member: fixture.order.seller.rawValue, mwh: 85), SellerShare(member: outsider.memberID, mwh: 85)]
        var parties = fixture.parties
        parties.insert(ContractParty(member: outsider.memberID, role: .generator), at: 2)
        for index in fixture.roles.indices {
            let (signer, role, facts) = fixture.roles[index]
            #expect(Self.refused(try Self.decide(added, parties: parties, keys: keys, as: signer, role: role, facts: facts), mentioning: "sellers"), "role \(role)")
        }

        // Another grid company, in the terms and the document: the fixture's grid company is no longer a party.
        let otherGrid = try ContractFixture.member(fixture.desk.parties.authority, .gridCompany)
        keys[otherGrid.memberID] = otherGrid.privateKey.publicKey
        var grid = fixture.terms
        grid.gridCompany = otherGrid.memberID
        let gridParties = fixture.parties.map { $0.role == .gridCompany ? ContractParty(member: otherGrid.memberID, role: .gridCompany) : $0 }
        // The other grid company, without a check of the order, cannot vouch for the energy.
        #expect(Self.refused(
            try Self.decide(grid, parties: gridParties, keys: keys, as: otherGrid, role: .gridCompany, facts: ConsentFacts()), mentioning: "no security check"))
        // Terms naming another grid company while the document names this one.
        #expect(Self.refused(try fixture.decide(grid, as: 2), mentioning: "grid company"))
    }

    @Test("an order not confirmed, without the party's own signed request or its check, or read in the wrong role, is refused")
    func bilateralOrderFacts() throws {
        let fixture = try Bilateral()
        var open = fixture.order
        open.status = .open
        #expect(Self.refused(try fixture.decide(as: 0, facts: ConsentFacts(order: open, checks: [fixture.verified])), mentioning: "not confirmed"))
        var unsigned = fixture.order
        unsigned.signatures = [Bilateral.evidence(fixture.order.buyer, "Matching/CreateOrder")]
        #expect(try fixture.decide(as: 0, facts: ConsentFacts(order: unsigned, checks: [fixture.verified])) == .sign)
        #expect(Self.refused(try fixture.decide(as: 1, facts: ConsentFacts(order: unsigned, checks: [fixture.verified])), mentioning: "never agreed"))
        // Without the dispatch center's check the energy cannot be judged.
        #expect(Self.refused(try fixture.decide(as: 0, facts: ConsentFacts(order: fixture.order)), mentioning: "no security check"))
        // The consumer's agent asked as the generator: it is not the seller.
        let (consumer, _, facts) = fixture.roles[0]
        #expect(Self.refused(
            try Self.decide(fixture.terms, parties: fixture.parties, keys: fixture.keys, as: consumer, role: .generator, facts: facts), mentioning: "does not name"))
    }

    @Test("the dispatch center refuses terms that cite another check, other buses, or a check by another dispatch center")
    func bilateralDispatch() throws {
        let fixture = try Bilateral()
        var hash = fixture.terms
        hash.securityCheck = String(repeating: "0", count: 64)
        #expect(Self.refused(try fixture.decide(hash, as: 3), mentioning: "security_check"))
        #expect(Self.refused(try fixture.decide(hash, as: 2), mentioning: "security_check"))
        var bus = fixture.terms
        bus.sellerBus = 9
        #expect(Self.refused(try fixture.decide(bus, as: 3), mentioning: "buses"))
        // A check signed by someone else is not this dispatch center's word.
        let other = try ContractFixture.member(fixture.desk.parties.authority, .dispatchCenter)
        let foreign = try fixture.desk.check(by: other)
        #expect(Self.refused(try fixture.decide(as: 3, facts: ConsentFacts(checks: [VerifiedCheck(foreign)!])), mentioning: "not the contract's dispatch center"))
    }

    // MARK: coalition

    /// A cleared round of three generators (a fourth certified but outside it), their checks
    /// (the third curtailed from 50 to 40 MWh), and the coalition terms the desk drafts.
    struct Coalition {
        let parties: ContractFixture
        let round: Round
        let checks: [SignedSecurityCheck]
        let terms: ContractTerms
        /// The round's generators, in the order of their member ids (their orders' order).
        let serving: [MemberSigner]
        let outsider: MemberSigner

        static let roundId: RoundID = "r-00c0ffee00c0ffee"
        static let outputs: [Double] = [60, 50, 50]
        static let accepted: [Double] = [60, 50, 40]
        static let shapley: [Double] = [253.91, 211.49, 233.99]

        init(rejectThird: Bool = false) throws {
            let parties = try ContractFixture(generators: 4)
            self.parties = parties
            serving = Array(parties.generators.prefix(3)).sorted { $0.memberID < $1.memberID }
            outsider = parties.generators[3]
            let orderIds = (1...3).map { OrderID("\(Self.roundId.rawValue)-\($0)") }
            let offers = serving.enumerated().map { index, generator in
                RoundOffer(generator: generator.member, minMwh: 0, maxMwh: 100, a: 0.01 * Double(index + 1), b: 10 + Double(index), c: 5, k: 1, submittedAtMs: 1)
            }
            let outcome = RoundOutcome(
                clearingPrice: Decimal(string: "14.16")!, pricing: .paper,
                outputs: Dictionary(uniqueKeysWithValues: zip(serving.map(\.member), Self.outputs)), coalitionValue: Self.shapley.reduce(0, +),
                shapley: Dictionary(uniqueKeysWithValues: zip(serving.map(\.member), Self.shapley)), orderIds: orderIds
            )
            round = Round(
                id: Self.roundId, consumer: parties.consumer.member, month: "2099-01", demandMwh: 160, maxPrice: 20, pricing: .paper, deadlineMs: 2,
                status: .cleared, offers: offers, outcome: outcome, openedAtMs: 1
            )
            var accepted = Self.accepted
            if rejectThird { accepted[2] = 0 }
            checks = try zip(zip(serving, orderIds), zip(Self.outputs, accepted)).enumerated().map { index, pair in
                let ((generator, order), (output, mwh)) = pair
                let status: SecurityStatus = mwh == 0 ? .rejected : mwh < output ? .curtailed : .accepted
                let result = SecurityCheckResult(
                    orderId: order, reviewSeq: Int64(index + 1), seller: generator.member, buyer: parties.consumer.member, sellerBus: 10 + index, buyerBus: 4,
                    status: status, requestedMwh: output, acceptedMwh: mwh,
                    months: [MonthCheck(month: "2099-01", requestedMw: output / 744, acceptedMw: mwh / 744, acceptedMwh: mwh, status: status, binding: [])],
                    reason: nil, nMinus1: true, network: NetworkIdentity(name: "case30", sha256: String(repeating: "3", count: 64)), checkedAtMs: 2,
                    checker: parties.dispatchCenter.member
                )
                return SignedSecurityCheck(
                    seq: Int64(index + 1), result: result, statement: try StatementSignature.sign(result, kind: .securityCheck, by: parties.dispatchCenter))
            }
            terms = try Self.terms(round: round, checks: checks, tradingCenter: parties.tradingCenter, gridCompany: parties.gridCompany.member)
        }

        /// The coalition terms as the desk drafts them (`ContractTerms.coalition`): every order the
        /// network carries, with the trading center's approval of it.
        static func terms(round: Round, checks: [SignedSecurityCheck], tradingCenter: MemberSigner, gridCompany: MemberID) throws -> ContractTerms {
            let parts = try checks.filter { $0.result.acceptedMwh > 0 }.map { check in
                let result = check.result
                let order = TradeOrder(
                    id: result.order, creator: round.consumer, createdAtMs: 1, seller: result.seller, buyer: round.consumer, mwh: result.requestedMwh,
                    price: round.outcome!.clearingPrice, periodStart: round.month, periodEnd: round.month,
                    monthlySplit: [MonthlyEnergy(month: round.month, mwh: result.requestedMwh)], status: .confirmed, roundId: round.id
                )
                let decision = ReviewDecision(orderId: order.id, order: order, status: .approved, reasons: [], reviewedAtMs: 1, reviewer: tradingCenter.member)
                let review = SignedReviewDecision(seq: 1, decision: decision, statement: try StatementSignature.sign(decision, kind: .reviewDecision, by: tradingCenter))
                return (review: review, check: check)
            }
            return ContractTerms.coalition(round: round, parts: parts, gridCompany: gridCompany, salt: ContractDraft.salt())
        }

        var verified: [VerifiedCheck] { checks.map { VerifiedCheck($0)! } }

        func parties(for terms: ContractTerms) -> [ContractParty] {
            [ContractParty(member: parties.consumer.memberID, role: .consumer)]
                + terms.sellers.map { ContractParty(member: $0.member, role: .generator) }
                + [
                    ContractParty(member: terms.gridCompany, role: .gridCompany), ContractParty(member: parties.tradingCenter.memberID, role: .tradingCenter),
                    ContractParty(member: parties.dispatchCenter.memberID, role: .dispatchCenter),
                ]
        }

        /// Every role with the facts it gathers: the consumer and generators the round and the checks.
        var roles: [(MemberSigner, Role, ConsentFacts)] {
            let roundFacts = ConsentFacts(round: round, checks: verified)
            return [(parties.consumer, .consumer, roundFacts)] + serving.map { ($0, .generator, roundFacts) } + [
                (parties.gridCompany, .gridCompany, ConsentFacts(checks: verified)), (parties.dispatchCenter, .dispatchCenter, ConsentFacts(checks: verified)),
            ]
        }

        func decide(_ terms: ContractTerms? = nil, as index: Int, facts: ConsentFacts? = nil) throws -> ConsentDecision {
            let terms = terms ?? self.terms
            let (signer, role, gathered) = roles[index]
            return try PartyConsentTests.decide(terms, parties: parties(for: terms), keys: parties.keys, as: signer, role: role, facts: facts ?? gathered)
        }

        func index(of member: String) -> Int { 1 + serving.firstIndex { $0.memberID == member }! }
    }

    @Test("every party of a round signs its one coalition contract: the consumer, each generator, the grid company, the dispatch center")
    func coalitionSigns() throws {
        let fixture = try Coalition()
        #expect(fixture.terms.energyMwh == 150)
        for index in fixture.roles.indices {
            #expect(try fixture.decide(as: index) == .sign, "role \(fixture.roles[index].1) \(index)")
        }
    }

    @Test("another clearing price is refused by the consumer and every generator")
    func coalitionPrice() throws {
        let fixture = try Coalition()
        var terms = fixture.terms
        terms.price = 14.17
        for index in 0...3 {
            #expect(Self.refused(try fixture.decide(terms, as: index), mentioning: "clearing price"))
        }
    }

    @Test("a changed Shapley share is refused by the consumer and that generator; another generator checks only its own part")
    func coalitionShapley() throws {
        let fixture = try Coalition()
        var terms = fixture.terms
        terms.allocation![1].shapley += 0.01
        let changed = fixture.index(of: terms.allocation![1].member)
        #expect(Self.refused(try fixture.decide(terms, as: 0), mentioning: "Shapley"))
        #expect(Self.refused(try fixture.decide(terms, as: changed), mentioning: "Shapley"))
        let other = fixture.index(of: terms.allocation![0].member)
        #expect(try fixture.decide(terms, as: other) == .sign)
        // Within 1e-6 it is the same share.
        var close = fixture.terms
        close.allocation![1].shapley += 5e-7
        #expect(try fixture.decide(close, as: changed) == .sign)
    }

    @Test("a generator's cost coefficients other than its offer's are refused")
    func coalitionOffer() throws {
        let fixture = try Coalition()
        var terms = fixture.terms
        terms.allocation![0].b += 1
        #expect(Self.refused(try fixture.decide(terms, as: fixture.index(of: terms.allocation![0].member)), mentioning: "offer"))
        #expect(Self.refused(try fixture.decide(terms, as: 0), mentioning: "offer"))
    }

    /// The top-level hashes over the parts' hashes, as a desk that changed the parts would write them.
    static func rehash(_ terms: inout ContractTerms) {
        terms.securityCheck = ContractTerms.joined(terms.allocation!.map(\.securityCheck))
        terms.reviewDecision = ContractTerms.joined(terms.allocation!.map(\.reviewDecision))
    }

    @Test("a seller outside the serving coalition added, or a serving one left out, is refused by the consumer")
    func coalitionSellers() throws {
        let fixture = try Coalition()
        var added = fixture.terms
        added.sellers.append(SellerShare(member: fixture.outsider.memberID, mwh: 10))
        added.allocation!.append(SellerAllocation(
            member: fixture.outsider.memberID, orderId: "\(Coalition.roundId.rawValue)-4", a: 0.01, b: 10, outputMwh: 10, shapley: 0, bus: 2,
            reviewDecision: "", securityCheck: ""))
        added.energyMwh += 10
        added.monthlySplit[0].mwh += 10
        Self.rehash(&added)
        #expect(Self.refused(try fixture.decide(added, as: 0), mentioning: "serving coalition"))
        #expect(Self.refused(try fixture.decide(added, as: 1), mentioning: "serving coalition"))

        var missing = fixture.terms
        let dropped = missing.allocation!.removeLast()
        missing.sellers.removeAll { $0.member == dropped.member }
        missing.energyMwh -= dropped.outputMwh
        missing.monthlySplit[0].mwh -= dropped.outputMwh
        Self.rehash(&missing)
        #expect(Self.refused(try fixture.decide(missing, as: 0), mentioning: "left out"))
    }

    @Test("a generator the network refused entirely is left out, and every party signs without it")
    func coalitionRefusedSeller() throws {
        let fixture = try Coalition(rejectThird: true)
        #expect(fixture.terms.sellers.count == 2)
        for index in fixture.roles.indices where index != 3 {
            #expect(try fixture.decide(as: index) == .sign, "role \(fixture.roles[index].1) \(index)")
        }
    }

    @Test("an output above what the check accepted is refused by the consumer, the grid company, the dispatch center and that generator")
    func coalitionCurtailment() throws {
        let fixture = try Coalition()
        var terms = fixture.terms
        // The third generator at its cleared 50 MWh, where the network carries 40.
        terms.allocation![2].outputMwh = 50
        terms.sellers[2].mwh = 50
        terms.energyMwh = 160
        terms.monthlySplit[0].mwh = 160
        let third = fixture.index(of: terms.allocation![2].member)
        for index in [0, third, 4, 5] {
            #expect(Self.refused(try fixture.decide(terms, as: index), mentioning: "accepted"), "role \(fixture.roles[index].1)")
        }
        // Without its check at hand, the generator takes the round's own output as agreed.
        let (signer, _, _) = fixture.roles[third]
        let facts = ConsentFacts(round: fixture.round, checks: fixture.verified.filter { $0.result.seller != signer.member })
        #expect(try fixture.decide(terms, as: third, facts: facts) == .sign)
    }

    @Test("the grid company refuses another grid company; the dispatch center refuses a part citing another check or bus")
    func coalitionGridAndDispatch() throws {
        let fixture = try Coalition()
        let otherGrid = try ContractFixture.member(fixture.parties.authority, .gridCompany)
        var grid = fixture.terms
        grid.gridCompany = otherGrid.memberID
        let parties = fixture.parties(for: fixture.terms)
        var keys = fixture.parties.keys
        keys[otherGrid.memberID] = otherGrid.privateKey.publicKey
        #expect(Self.refused(
            try Self.decide(grid, parties: parties, keys: keys, as: fixture.parties.gridCompany, role: .gridCompany, facts: ConsentFacts(checks: fixture.verified)),
            mentioning: "grid company"))

        var hash = fixture.terms
        hash.allocation![0].securityCheck = String(repeating: "0", count: 64)
        #expect(Self.refused(try fixture.decide(hash, as: 5), mentioning: "hash of the parts"))
        Self.rehash(&hash)
        #expect(Self.refused(try fixture.decide(hash, as: 5), mentioning: "security_check is not the hash of the dispatch center's check"))
        var bus = fixture.terms
        bus.allocation![1].bus = 29
        #expect(Self.refused(try fixture.decide(bus, as: 5), mentioning: "bus"))
        // The dispatch center without its check of one part cannot vouch for it.
        #expect(Self.refused(try fixture.decide(as: 5, facts: ConsentFacts(checks: Array(fixture.verified.prefix(2)))), mentioning: "no security check"))
    }

    @Test("a round not cleared, or opened by someone else, is refused")
    func coalitionRoundFacts() throws {
        let fixture = try Coalition()
        var open = fixture.round
        open.status = .open
        #expect(Self.refused(try fixture.decide(as: 0, facts: ConsentFacts(round: open, checks: fixture.verified)), mentioning: "not cleared"))
        var other = fixture.round
        other.consumer = fixture.outsider.member
        #expect(Self.refused(try fixture.decide(as: 0, facts: ConsentFacts(round: other, checks: fixture.verified)), mentioning: "consumer"))
        #expect(Self.refused(try fixture.decide(as: 1, facts: ConsentFacts(checks: fixture.verified)), mentioning: "at hand"))
    }
}
