import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import Testing

/// The status code a refusal is answered with.
private func code(_ error: ContractDeskError) -> ContractProblem.Code? { ContractProblem.Code(rawValue: error.status.code) }

/// The refusal `body` throws, if any (anything else thrown is an issue).
private func refusal<T>(_ body: () throws -> T) -> ContractDeskError? {
    do {
        _ = try body()
        return nil
    } catch let error as ContractDeskError {
        return error
    } catch {
        Issue.record("not a ContractDeskError: \(error)")
        return nil
    }
}

@Suite("The trading center drafts a contract from its approved decision and the dispatch center's check")
struct ContractDraftingTests {
    @Test("an approved, checked order is drafted for its five parties, sealed to each, signed by the trading center, with only the accepted energy")
    func happyPath() throws {
        let desk = try DeskFixture()
        let check = try desk.check()
        let plan = try ContractDrafting.admit(desk.facts(desk.request(check), review: try desk.review()))
        let parties = desk.parties
        #expect(plan.parties == [
            ContractParty(member: parties.consumer.memberID, role: .consumer), ContractParty(member: parties.generator.memberID, role: .generator),
            ContractParty(member: desk.gridCompany.memberID, role: .gridCompany), ContractParty(member: desk.tradingCenter.memberID, role: .tradingCenter),
            ContractParty(member: desk.dispatchCenter.memberID, role: .dispatchCenter),
        ])
        #expect(plan.membersToLookUp == [parties.consumer.member, parties.generator.member, desk.gridCompany.member, desk.dispatchCenter.member])
        let contract = try ContractDrafting.draft(plan, members: desk.members, revoked: [], now: desk.now, salt: String(repeating: "5", count: 64))
        #expect(contract.signatures.map(\.member) == [desk.tradingCenter.memberID])
        let document = try ContractSigning.document(of: contract)
        #expect(document.contractId == "ct-o-7" && document.parties == plan.parties && document.draftedAtMs == desk.now.unixMilliseconds)
        for signer in parties.signers {
            let terms = try ContractDraft.read(contract, as: signer.memberID, key: signer.privateKey)
            #expect(terms.monthlySplit == [MonthlyEnergy(month: "2099-01", mwh: 120), MonthlyEnergy(month: "2099-02", mwh: 50)])
            #expect(terms.energyMwh == 170 && terms.price == 20 && terms.salt == String(repeating: "5", count: 64))
            #expect(terms.agree(with: check.result, checkPayload: Data(base64Encoded: check.statement.payload)!))
        }
        // Signed by the other four, it is a contract every data center takes.
        let signed = try parties.sign(contract, by: [parties.consumer, parties.generator, desk.gridCompany, desk.dispatchCenter])
        #expect(try parties.verify(signed).contractId == "ct-o-7")
    }

    @Test("a rejected month is left out of the terms")
    func rejectedMonth() throws {
        let desk = try DeskFixture()
        let contract = try desk.draft(check: try desk.check(february: 0))
        let terms = try ContractDraft.read(contract, as: desk.parties.consumer.memberID, key: desk.parties.consumer.privateKey)
        #expect(terms.monthlySplit == [MonthlyEnergy(month: "2099-01", mwh: 120)])
    }

    @Test("refused before any party is looked up: no certificate yet (14), never reviewed (9), not the buyer or seller (7), rejected in review (9)")
    func admissionRefusals() throws {
        let desk = try DeskFixture()
        let request = desk.request(try desk.check())
        let review = try desk.review()

        var unsigned = desk.facts(request, review: review)
        unsigned.drafter = nil
        #expect(refusal { try ContractDrafting.admit(unsigned) } == .notSigning(.tradingCenter))
        var noCA = desk.facts(request, review: review)
        noCA.authority = nil
        let notReady = try #require(refusal { try ContractDrafting.admit(noCA) })
        #expect(notReady == .notSigning(.tradingCenter) && code(notReady) == .unavailable)

        let unreviewed = try #require(refusal { try ContractDrafting.admit(desk.facts(request, review: nil)) })
        #expect(unreviewed == .neverReviewed(orderId: "o-7") && code(unreviewed) == .failedPrecondition)

        let outsider = try #require(refusal { try ContractDrafting.admit(desk.facts(request, caller: desk.gridCompany.member, review: review)) })
        #expect(outsider == .notBuyerOrSeller(orderId: "o-7", act: .drafted) && code(outsider) == .permissionDenied)
        #expect(outsider.description == "only the buyer or the seller of 'o-7' may have its contract drafted")
        // The seller may ask as well as the buyer.
        _ = try ContractDrafting.admit(desk.facts(request, caller: desk.parties.generator.member, review: review))

        let refusedReview = try desk.review(.rejected, reasons: ["price above the cap"])
        let rejected = try #require(refusal { try ContractDrafting.admit(desk.facts(request, review: refusedReview)) })
        #expect(rejected == .rejectedInReview(orderId: "o-7", reasons: ["price above the cap"]) && code(rejected) == .failedPrecondition)
        #expect(rejected.description.hasSuffix("price above the cap"))
    }

    @Test("a check that is not the dispatch center's word (16), another order's (3), or that carries none of the order (9) is refused")
    func checkRefusals() throws {
        let desk = try DeskFixture()
        let review = try desk.review()

        // Signed by the trading center, not a dispatch center.
        let forged = try #require(refusal { try ContractDrafting.admit(desk.facts(desk.request(try desk.check(by: desk.tradingCenter)), review: review)) })
        guard case .checkRefused = forged else { Issue.record("\(forged)"); return }
        #expect(code(forged) == .unauthenticated)
        // The payload changed after signing.
        var doctored = try desk.check()
        let other = try desk.check(january: 1)
        doctored.statement.payload = other.statement.payload
        let tampered = try #require(refusal { try ContractDrafting.admit(desk.facts(desk.request(doctored), review: review)) })
        #expect(code(tampered) == .unauthenticated)

        let otherOrder = try #require(refusal { try ContractDrafting.admit(desk.facts(desk.request(try desk.check(order: "o-8")), review: review)) })
        #expect(otherOrder == .checkOfOtherOrder(checked: "o-8", requested: "o-7") && code(otherOrder) == .invalidArgument)

        for check in [try desk.check(status: .rejected), try desk.check(january: 0, february: 0, status: .curtailed)] {
            let refused = try #require(refusal { try ContractDrafting.admit(desk.facts(desk.request(check), review: review)) })
            #expect(refused == .refusedOnNetwork(orderId: "o-7", act: .drafted) && code(refused) == .failedPrecondition)
        }
    }

    @Test("a party the registry does not know (5), knows in another role (9), has not approved, revoked, or whose certificate is not the CA's for it (9) is refused")
    func partyRefusals() throws {
        let desk = try DeskFixture()
        let plan = try ContractDrafting.admit(desk.facts(desk.request(try desk.check()), review: try desk.review()))
        let grid = ContractParty(member: desk.gridCompany.memberID, role: .gridCompany)
        let gridID = desk.gridCompany.member
        let draft = { (members: [MemberID: Member], revoked: Set<MemberID>) in
            refusal { try ContractDrafting.draft(plan, members: members, revoked: revoked, now: desk.now, salt: ContractDraft.salt()) }
        }

        var members = desk.members
        members[gridID] = nil
        let unknown = try #require(draft(members, []))
        #expect(unknown == .notAMember(grid) && code(unknown) == .notFound)

        members[gridID] = try DeskFixture.record(desk.gridCompany, role: .consumer)
        let wrongRole = try #require(draft(members, []))
        #expect(wrongRole == .wrongRole(grid, actual: .consumer) && code(wrongRole) == .failedPrecondition)

        members[gridID] = try DeskFixture.record(desk.gridCompany, role: .gridCompany, status: .pending)
        #expect(draft(members, []) == .noValidCertificate(grid))

        #expect(draft(desk.members, [gridID]) == .noValidCertificate(grid))

        // A certificate from another CA.
        let foreign = try ContractFixture.member(try CertificateAuthority.create(now: Date()), .gridCompany, key: desk.gridCompany.privateKey)
        members[gridID] = try DeskFixture.record(foreign, role: .gridCompany)
        #expect(draft(members, []) == .noValidCertificate(grid))

        // The CA's certificate, but another member's.
        var borrowed = try DeskFixture.record(desk.gridCompany, role: .gridCompany)
        borrowed.certificate = try desk.parties.outsider.certificate.map { try CertificatePEM.encode($0) }
        members[gridID] = borrowed
        let refused = try #require(draft(members, []))
        #expect(refused == .noValidCertificate(grid) && code(refused) == .failedPrecondition)

        // Checked at `now`: a certificate not yet valid then is refused.
        let early = refusal {
            try ContractDrafting.draft(plan, members: desk.members, revoked: [], now: desk.now.addingTimeInterval(-86_400), salt: ContractDraft.salt())
        }
        #expect(early == .noValidCertificate(ContractParty(member: desk.parties.consumer.memberID, role: .consumer)))
    }
}

@Suite("The dispatch center countersigns a draft only as its own check accepted it")
struct ContractCountersigningTests {
    /// Countersigning `contract` as the dispatch center (or `signer`), asked by `caller` (the seller by default).
    func countersign(
        _ desk: DeskFixture, _ contract: SignedContract, signer: MemberSigner? = nil, caller: MemberID? = nil, check: SignedSecurityCheck?
    ) throws -> SignedContract {
        let plan = try ContractCountersigning.open(contract, signer: signer ?? desk.dispatchCenter)
        return try ContractCountersigning.countersign(plan, caller: caller ?? desk.parties.generator.member, check: check)
    }

    @Test("a draft that says what the check accepted is countersigned")
    func happyPath() throws {
        let desk = try DeskFixture()
        let check = try desk.check()
        let draft = try desk.draft(check: check)
        let plan = try ContractCountersigning.open(draft, signer: desk.dispatchCenter)
        #expect(plan.document.orderId == "o-7" && plan.terms.energyMwh == 170)
        let signed = try ContractCountersigning.countersign(plan, caller: desk.parties.consumer.member, check: check)
        #expect(signed.signatures.map(\.member) == [desk.tradingCenter.memberID, desk.dispatchCenter.memberID])
        #expect(signed.document == draft.document && signed.copies == draft.copies)
        let parties = desk.parties
        #expect(try parties.verify(try parties.sign(signed, by: [parties.consumer, parties.generator, desk.gridCompany])).orderId == "o-7")
    }

    @Test("refused before the check is looked up: no certificate yet (14), an undecodable contract (3), no copy for this desk (7), not its dispatch center (9)")
    func contractRefusals() throws {
        let desk = try DeskFixture()
        let draft = try desk.draft()

        let notSigning = try #require(refusal { try ContractCountersigning.open(draft, signer: nil) })
        #expect(notSigning == .notSigning(.dispatchCenter) && code(notSigning) == .unavailable)
        #expect(notSigning.description == "the dispatch center has no certificate yet; try again")

        var garbage = draft
        garbage.document = "not base64!"
        let undecodable = try #require(refusal { try ContractCountersigning.open(garbage, signer: desk.dispatchCenter) })
        #expect(undecodable == .contract(ContractProblem(.invalidArgument, "document is not base64")) && code(undecodable) == .invalidArgument)

        // Another dispatch center: no copy is sealed to it.
        let stranger = try ContractFixture.member(desk.parties.authority, .dispatchCenter)
        let noCopy = try #require(refusal { try ContractCountersigning.open(draft, signer: stranger) })
        guard case .contract(let problem) = noCopy else { Issue.record("\(noCopy)"); return }
        #expect(problem.code == .permissionDenied && code(noCopy) == .permissionDenied)

        // A party, but not as the dispatch center.
        let party = try #require(refusal { try ContractCountersigning.open(draft, signer: desk.tradingCenter) })
        #expect(party == .notTheDispatchCenter && code(party) == .failedPrecondition)
    }

    @Test("refused: never checked here (9), asked by neither buyer nor seller (7), refused on the network (9), terms other than the check's (9)")
    func checkRefusals() throws {
        let desk = try DeskFixture()
        let check = try desk.check()
        let draft = try desk.draft(check: check)

        let unchecked = try #require(refusal { try countersign(desk, draft, check: nil) })
        #expect(unchecked == .neverChecked(orderId: "o-7") && code(unchecked) == .failedPrecondition)
        let otherOrder = try desk.check(order: "o-8")
        #expect(refusal { try countersign(desk, draft, check: otherOrder) } == .neverChecked(orderId: "o-7"))

        let grid = try #require(refusal { try countersign(desk, draft, caller: desk.gridCompany.member, check: check) })
        #expect(grid == .notBuyerOrSeller(orderId: "o-7", act: .countersigned) && code(grid) == .permissionDenied)
        #expect(grid.description == "only the buyer or the seller of 'o-7' may have its contract countersigned")

        let rejected = try desk.check(status: .rejected)
        let refused = try #require(refusal { try countersign(desk, draft, check: rejected) })
        #expect(refused == .refusedOnNetwork(orderId: "o-7", act: .countersigned) && code(refused) == .failedPrecondition)
        #expect(refused.description == "trade order 'o-7' was refused on the network")

        // The stored check accepted less than the draft says.
        let less = try desk.check(february: 40)
        let disagree = try #require(refusal { try countersign(desk, draft, check: less) })
        #expect(disagree == .termsDisagree(orderId: "o-7") && code(disagree) == .failedPrecondition)
        // The same numbers, but another statement than the one the terms cite.
        let later = try desk.check(checkedAtMs: 3)
        #expect(refusal { try countersign(desk, draft, check: later) } == .termsDisagree(orderId: "o-7"))
    }

    @Test("every refusal keeps its status; sealing failures say nothing of the internals")
    func statusCodes() {
        #expect(ContractDeskError.cannotSign("HPKE exploded").status.code == ContractProblem.Code.internal.rawValue)
        #expect(!ContractDeskError.cannotSign("HPKE exploded").status.message.contains("HPKE"))
        #expect(ContractDeskError.contract(ContractProblem(.unauthenticated, "x")).status.code == ContractProblem.Code.unauthenticated.rawValue)
        #expect(ContractProblem(.permissionDenied, "revoked").status == .init(code: .permissionDenied, message: "revoked"))
    }
}
