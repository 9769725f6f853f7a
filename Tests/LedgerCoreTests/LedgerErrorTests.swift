import Consensus
import GridProtocol
import LedgerCore
import Testing

@Suite("The ledger's errors and the status each one answers with")
struct LedgerErrorTests {
    @Test("each error maps to its status code; a refusal keeps the code the rules chose")
    func codes() {
        #expect(LedgerError.unseated.status.code == StatusCode.unavailable.rawValue)
        #expect(LedgerError.payloadTooLarge(bytes: 20_000, limit: 16_384).status == GridProtocol.Status(code: .invalidArgument, message: "transaction.payload is 20000 bytes; at most 16384"))
        #expect(LedgerError.notCommittedInTime(transactionID: "ab").status.code == StatusCode.deadlineExceeded.rawValue)
        #expect(LedgerError.contractNotFound("c-1").status == GridProtocol.Status(code: .notFound, message: "no contract c-1 is recorded"))
        #expect(LedgerError.blockMissing(height: 7).status.code == StatusCode.internal.rawValue)
        let refusal = TransactionRejection(code: .alreadyExists, reason: "already recorded")
        #expect(LedgerError.refused(refusal).status == GridProtocol.Status(code: .alreadyExists, message: "already recorded"))
        #expect(StatusMapping.status(for: LedgerError.refused(.invalidSignature)).code == StatusCode.unauthenticated.rawValue)
    }
}
