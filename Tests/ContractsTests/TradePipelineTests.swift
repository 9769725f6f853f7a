import Contracts
import Credentials
import Foundation
import GridProtocol
import Messages
import Testing

@Suite("The contract desk's decisions: when to draft, how stages move, which signatures count")
struct TradePipelineTests {
    // MARK: when to draft

    @Test("a bilateral order is drafted once its check carries some of it, however curtailed; refused or rejected ones never")
    func bilateralStep() throws {
        let desk = try DeskFixture()
        let part = { (review: SignedReviewDecision?, check: SignedSecurityCheck?) in TradePart(orderId: desk.order.id, review: review, check: check) }
        #expect(TradeDrafting.step([part(try desk.review(), try desk.check())], coalition: false) == .draft)
        #expect(TradeDrafting.step([part(try desk.review(), nil)], coalition: false) == .wait)
        #expect(TradeDrafting.step([part(nil, try desk.check())], coalition: false) == .wait)
        let refused = try desk.check(january: 0, february: 0, status: .rejected)
        guard case .fail(let why) = TradeDrafting.step([part(try desk.review(), refused)], coalition: false) else {
            Issue.record("a check that carries nothing was drafted")
            return
        }
        #expect(why.contains("refused"))
        guard case .fail(let rejected) = TradeDrafting.step([part(try desk.review(.rejected, reasons: ["too dear"]), nil)], coalition: false) else {
            Issue.record("a rejected order was not failed")
            return
        }
        #expect(rejected.contains("rejected in review: too dear"))
    }

    @Test("a round is drafted only when every order of its coalition is approved and carried in full")
    func coalitionStep() throws {
        let desk = try DeskFixture()
        let full = try desk.check(february: 80, status: .accepted)
        let whole = TradePart(orderId: desk.order.id, review: try desk.review(), check: full)
        let pending = TradePart(orderId: "r-1-2", review: nil, check: nil)
        #expect(TradeDrafting.step([whole, pending], coalition: true) == .wait)
        #expect(TradeDrafting.step([whole], coalition: true) == .draft)
        // Curtailed: fine for a bilateral order, but the game's allocation no longer holds.
        let curtailed = TradePart(orderId: desk.order.id, review: try desk.review(), check: try desk.check())
        #expect(TradeDrafting.step([curtailed], coalition: false) == .draft)
        guard case .fail(let why) = TradeDrafting.step([curtailed, pending], coalition: true) else {
            Issue.record("a curtailed coalition was drafted")
            return
        }
        #expect(why.contains("curtailed") && why.contains("allocation"))
        // A refusal anywhere fails the round even while other parts are still missing.
        let rejected = TradePart(orderId: "r-1-3", review: try desk.review(.rejected, reasons: ["no plan"]), check: nil)
        guard case .fail = TradeDrafting.step([whole, pending, rejected], coalition: true) else {
            Issue.record("a round with a rejected order waited")
            return
        }
    }

    // MARK: stages

    @Test("a trade only moves forward, a failure is final, and a repeat is no news")
    func stages() {
        let reviewed = TradeProgress.next(nil, orderId: "o-1", roundId: nil, stage: .reviewed, failure: nil, contractId: nil, height: nil, nowMs: 1)
        #expect(reviewed?.stage == .reviewed)
        #expect(TradeProgress.next(reviewed, orderId: "o-1", roundId: nil, stage: .reviewed, failure: nil, contractId: nil, height: nil, nowMs: 2) == nil)
        let drafted = TradeProgress.next(reviewed, orderId: "o-1", roundId: nil, stage: .drafted, failure: nil, contractId: "ct-o-1", height: nil, nowMs: 3)
        #expect(drafted?.contractId == "ct-o-1")
        // A late `checked` after `drafted` (a replayed event) changes nothing.
        #expect(TradeProgress.next(drafted, orderId: "o-1", roundId: nil, stage: .checked, failure: nil, contractId: nil, height: nil, nowMs: 4) == nil)
        let committed = TradeProgress.next(drafted, orderId: "o-1", roundId: nil, stage: .committed, failure: nil, contractId: nil, height: 9, nowMs: 5)
        #expect(committed?.height == 9 && committed?.contractId == "ct-o-1")
        let failed = TradeProgress.next(reviewed, orderId: "o-1", roundId: nil, stage: .checked, failure: "refused", contractId: nil, height: nil, nowMs: 6)
        #expect(failed?.failure == "refused")
        #expect(TradeProgress.next(failed, orderId: "o-1", roundId: nil, stage: .drafted, failure: nil, contractId: "x", height: nil, nowMs: 7) == nil)
    }

    // MARK: signatures

    func record(_ desk: DeskFixture) throws -> ContractDraftRecord {
        let contract = try desk.draft()
        return ContractDraftRecord(
            seq: 1, contractId: "ct-\(desk.order.id)", orderIds: [desk.order.id], roundId: nil, contract: contract,
            awaiting: DraftSignatures.awaiting(contract), status: .signing, updatedAtMs: 0
        )
    }

    func signature(_ record: ContractDraftRecord, by signer: MemberSigner) throws -> ContractSignature {
        try #require(try ContractSigning.sign(record.contract, by: signer).signatures.first { $0.member == signer.memberID })
    }

    func refusal(_ body: () throws(ContractDeskError) -> Void) -> ContractDeskError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("each party's own signature counts once; the last one leaves nobody awaiting")
    func signaturesAdd() throws {
        let desk = try DeskFixture()
        var record = try record(desk)
        #expect(Set(record.awaiting) == [desk.parties.consumer.member, desk.parties.generator.member, desk.gridCompany.member, desk.dispatchCenter.member])
        for signer in [desk.parties.consumer, desk.parties.generator, desk.gridCompany, desk.dispatchCenter] {
            let outcome = try DraftSignatures.add(try signature(record, by: signer), from: signer.member, to: record, authority: desk.parties.authority.certificate, now: desk.now)
            guard case let .added(contract, awaiting) = outcome else {
                Issue.record("\(signer.memberID)'s signature was not added")
                return
            }
            record.contract = contract
            record.awaiting = awaiting
            // Again: nothing changes (a retry, or an agent that restarted after signing).
            #expect(try DraftSignatures.add(try signature(record, by: signer), from: signer.member, to: record, authority: desk.parties.authority.certificate, now: desk.now) == .unchanged)
        }
        #expect(record.awaiting.isEmpty)
        // What every data center checks holds for the result.
        _ = try ContractSigning.verify(record.contract, certificates: CertificateCache(authority: desk.parties.authority.certificate), isRevoked: { _ in false }, now: desk.now)
    }

    @Test("a non-party, another party's signature, a forged signature and a signature in the wrong role are refused with their codes")
    func signaturesRefused() throws {
        let desk = try DeskFixture()
        let record = try record(desk)
        let authority = desk.parties.authority.certificate
        let stranger = desk.parties.outsider
        let strangers = try signature(record, by: stranger)
        #expect(refusal { () throws(ContractDeskError) in
            _ = try DraftSignatures.add(strangers, from: stranger.member, to: record, authority: authority, now: desk.now)
        }?.status.code == StatusCode.permissionDenied.rawValue)
        let consumers = try signature(record, by: desk.parties.consumer)
        #expect(refusal { () throws(ContractDeskError) in
            _ = try DraftSignatures.add(consumers, from: desk.parties.generator.member, to: record, authority: authority, now: desk.now)
        } == .signatureOfAnother(caller: desk.parties.generator.member, signer: desk.parties.consumer.memberID))
        // The generator's signature over another document.
        var other = record
        other.contract = try desk.draft()
        let forged = try signature(other, by: desk.parties.generator)
        #expect(refusal { () throws(ContractDeskError) in
            _ = try DraftSignatures.add(forged, from: desk.parties.generator.member, to: record, authority: authority, now: desk.now)
        }?.status.code == StatusCode.unauthenticated.rawValue)
        var closed = record
        closed.status = .committed
        #expect(refusal { () throws(ContractDeskError) in
            _ = try DraftSignatures.add(consumers, from: desk.parties.consumer.member, to: closed, authority: authority, now: desk.now)
        }?.status.code == StatusCode.failedPrecondition.rawValue)
    }

    // MARK: the ledger's answer

    @Test("already recorded means committed, a refusal of the contract is final, anything about reaching the ledger is retried")
    func submissionVerdicts() {
        #expect(LedgerSubmission.verdict(for: .alreadyExists) == .alreadyRecorded)
        for code in [StatusCode.invalidArgument, .permissionDenied, .unauthenticated, .failedPrecondition] {
            #expect(LedgerSubmission.verdict(for: code) == .refused)
        }
        for code in [StatusCode.unavailable, .deadlineExceeded, .resourceExhausted, .internal, .cancelled] {
            #expect(LedgerSubmission.verdict(for: code) == .retry)
        }
    }
}
