import Consensus
import Foundation
import GridProtocol
import LedgerCore
import Testing

@Suite("What Ledger/Submit answers")
struct SubmitPolicyTests {
    let located = TransactionLocation(height: 7, index: 2)
    let duplicate = TransactionRejection(code: .alreadyExists, reason: "contract ct-1 is already recorded at height 3")

    @Test("before the core: too large, already committed, a bad signature, refused by the recorded state, or on to the core")
    func screen() {
        #expect(SubmitPolicy.screen(payloadBytes: LedgerLimits.maxPayloadBytes + 1, committedAt: located, recordedProblem: nil, isSigned: true)
            == .refuse(.payloadTooLarge(bytes: LedgerLimits.maxPayloadBytes + 1, limit: LedgerLimits.maxPayloadBytes)))
        #expect(SubmitPolicy.screen(payloadBytes: 10, committedAt: located, recordedProblem: duplicate, isSigned: false) == .committed(located))
        #expect(SubmitPolicy.screen(payloadBytes: 10, committedAt: nil, recordedProblem: duplicate, isSigned: true) == .refuse(.refused(duplicate)))
        #expect(SubmitPolicy.screen(payloadBytes: 10, committedAt: nil, recordedProblem: duplicate, isSigned: false) == .refuse(.refused(.invalidSignature)))
        // The signature is checked before the submitter's limits count the transaction: a forged
        // submitter key must not spend its owner's allowance.
        #expect(SubmitPolicy.screen(payloadBytes: LedgerLimits.maxPayloadBytes, committedAt: nil, recordedProblem: nil, isSigned: false) == .refuse(.refused(.invalidSignature)))
        #expect(SubmitPolicy.screen(payloadBytes: LedgerLimits.maxPayloadBytes, committedAt: nil, recordedProblem: nil, isSigned: true) == .order)
    }

    @Test("the costly facts are asked only when they decide: neither for a committed one, the state's check not for a forged one")
    func lazy() {
        func unasked<T>(_ value: T) -> T {
            Issue.record("a fact was asked that does not decide the answer")
            return value
        }
        _ = SubmitPolicy.screen(payloadBytes: 10, committedAt: located, recordedProblem: unasked(nil), isSigned: unasked(true))
        _ = SubmitPolicy.screen(payloadBytes: 10, committedAt: nil, recordedProblem: unasked(nil), isSigned: false)
    }

    @Test("after the core's turn: its refusal, its commit, taken when seated, or unavailable (14) without a seat")
    func answer() {
        #expect(SubmitPolicy.answer(rejected: .invalidSignature, committedAt: nil, seated: true) == .refused(.refused(.invalidSignature)))
        #expect(SubmitPolicy.answer(rejected: nil, committedAt: located, seated: true) == .committed(located))
        #expect(SubmitPolicy.answer(rejected: nil, committedAt: nil, seated: true) == .accepted)
        #expect(SubmitPolicy.answer(rejected: nil, committedAt: nil, seated: false) == .refused(.unseated))
        #expect(LedgerError.unseated.status.code == StatusCode.unavailable.rawValue)
        #expect(LedgerError.refused(.invalidSignature).status.code == StatusCode.unauthenticated.rawValue)
    }
}
