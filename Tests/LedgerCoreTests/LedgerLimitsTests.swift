import Consensus
import Foundation
import LedgerCore
import Testing

@Suite("What one reply, message or wait may hold")
struct LedgerLimitsTests {
    @Test("a reply stops at the byte budget, but never holds less than one block")
    func fitting() {
        let centers = DataCenters(count: 4)
        var chain = ChainBuilder()
        let big = P256TransactionVerifier.sign(payload: Data(count: 9_000), with: centers.keys[0])
        for _ in 0..<4 { chain.append([big], by: centers, signers: [0, 1, 2]) }
        let size = LedgerLimits.transactionBytes(chain.blocks[0])
        #expect(size == 9_000 + big.submitter.count + big.signature.count)
        #expect(LedgerLimits.fitting(chain.blocks, maxBytes: size * 2 + 1).count == 2)
        #expect(LedgerLimits.fitting(chain.blocks, maxBytes: 1).count == 1)
        #expect(LedgerLimits.fitting([], maxBytes: 1).isEmpty)
    }

    @Test("a range runs at most a span of heights, never past the largest height; a wait is the caller's deadline, at most a minute")
    func ranges() {
        #expect(LedgerLimits.lastHeight(from: 1, through: nil, span: 256) == 256)
        #expect(LedgerLimits.lastHeight(from: 10, through: 12, span: 256) == 12)
        #expect(LedgerLimits.lastHeight(from: .max - 3, through: nil, span: 256) == .max)
        #expect(LedgerLimits.waitLimit(remaining: nil) == LedgerLimits.maxWait)
        #expect(LedgerLimits.waitLimit(remaining: .seconds(3)) == .seconds(3))
        #expect(LedgerLimits.waitLimit(remaining: .seconds(600)) == LedgerLimits.maxWait)
    }
}
