import Consensus
import Foundation
import GridProtocol
import LedgerCore
import Testing

@Suite("Each submitter's rate and transactions in flight at one data center")
struct SubmitLimitsTests {
    static func id(_ number: Int) -> TransactionID { Hash256.sha256(Data("transaction \(number)".utf8)) }
    let alice = Data("alice".utf8)
    let bob = Data("bob".utf8)

    @Test("a burst is taken at once, the next is refused (8) until the allowance refills at the rate")
    func rate() {
        var limiter = SubmitterLimiter(limits: SubmitLimits(rate: 2, burst: 3, inFlight: 100))
        for number in 0..<3 { #expect(limiter.admit(Self.id(number), submitter: alice, now: 1_000) == nil) }
        let refused = limiter.admit(Self.id(3), submitter: alice, now: 1_000)
        #expect(refused == .submitterRate(rate: 2, burst: 3))
        #expect(refused?.status.code == StatusCode.resourceExhausted.rawValue)
        // Another submitter has its own allowance.
        #expect(limiter.admit(Self.id(10), submitter: bob, now: 1_000) == nil)
        // Half a second refills one at 2 a second.
        #expect(limiter.admit(Self.id(3), submitter: alice, now: 1_500) == nil)
        #expect(limiter.admit(Self.id(4), submitter: alice, now: 1_500) != nil)
    }

    @Test("past its transactions in flight a submitter is refused (8); a commit or refusal frees one; the same transaction again costs nothing")
    func inFlight() {
        var limiter = SubmitterLimiter(limits: SubmitLimits(rate: 1_000, burst: 1_000, inFlight: 2))
        #expect(limiter.admit(Self.id(0), submitter: alice, now: 0) == nil)
        #expect(limiter.admit(Self.id(1), submitter: alice, now: 0) == nil)
        #expect(limiter.admit(Self.id(0), submitter: alice, now: 0) == nil)
        #expect(limiter.admit(Self.id(2), submitter: alice, now: 0) == .submitterInFlight(limit: 2))
        limiter.settle(Self.id(0))
        #expect(limiter.admit(Self.id(2), submitter: alice, now: 0) == nil)
        #expect(limiter.inFlight == 2)
    }

    @Test("what it keeps is bounded: idle submitters with a full allowance are forgotten, and a transaction stops counting after the horizon")
    func bounded() {
        var limiter = SubmitterLimiter(limits: SubmitLimits(rate: 100, burst: 10, inFlight: 5))
        for number in 0..<5_000 {
            let submitter = Data("key \(number)".utf8)
            _ = limiter.admit(Self.id(number), submitter: submitter, now: UInt64(number))
            limiter.settle(Self.id(number))
        }
        #expect(limiter.submitters < 5_000)
        #expect(limiter.inFlight == 0)
        // Never settled: after the horizon it no longer counts.
        var stuck = SubmitterLimiter(limits: SubmitLimits(rate: 1_000, burst: 1_000, inFlight: 1))
        #expect(stuck.admit(Self.id(0), submitter: alice, now: 0) == nil)
        #expect(stuck.admit(Self.id(1), submitter: alice, now: 1) != nil)
        let later = SubmitterLimiter.inFlightHorizon + 10
        for number in 2..<1_030 { _ = stuck.admit(Self.id(number), submitter: bob, now: later) }
        #expect(stuck.admit(Self.id(1), submitter: alice, now: later) == nil)
    }

    @Test("settings that cannot be used are named")
    func problems() {
        #expect(SubmitLimits.defaults.problem == nil)
        #expect(SubmitLimits(rate: 0).problem != nil)
        #expect(SubmitLimits(burst: 0).problem != nil)
        #expect(SubmitLimits(inFlight: 0).problem != nil)
    }
}

@Suite("Where recent transactions are, and which ids the store may hold")
struct RecentLocationsTests {
    @Test("only the last window of heights is kept")
    func window() {
        var recent = RecentLocations(window: 10)
        for height in 1...100 {
            recent.record(SubmitLimitsTests.id(height), at: TransactionLocation(height: UInt64(height), index: 0))
        }
        #expect(recent.count == 10)
        #expect(recent.location(of: SubmitLimitsTests.id(100)) == TransactionLocation(height: 100, index: 0))
        #expect(recent.location(of: SubmitLimitsTests.id(91)) != nil)
        #expect(recent.location(of: SubmitLimitsTests.id(90)) == nil)
        #expect(recent.oldestHeight == 91)
    }

    @Test("the filter holds every id inserted and few others")
    func filter() {
        var filter = TransactionFilter(bits: 1 << 16)
        for number in 0..<2_000 { filter.insert(SubmitLimitsTests.id(number)) }
        #expect((0..<2_000).allSatisfy { filter.mayContain(SubmitLimitsTests.id($0)) })
        let falsePositives = (2_000..<12_000).count { filter.mayContain(SubmitLimitsTests.id($0)) }
        #expect(falsePositives < 100)
    }
}
