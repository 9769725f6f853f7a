import Consensus
import Foundation

/// How much one submitter (one `submitter` key) may ask of one data center through
/// `Ledger/Submit`: a rate, with a burst, and a number of transactions in flight (accepted here
/// and not yet committed or refused). Past either the data center answers 8 (resource
/// exhausted); nothing is kept of the refused submission. Each data center counts only what is
/// submitted to it. Settings (`docs/configuration.md`): `ledger.submit.rate`,
/// `ledger.submit.burst`, `ledger.submit.in.flight`.
public struct SubmitLimits: Sendable, Equatable {
    /// Transactions a second a submitter's allowance refills at.
    public var rate: Double
    /// The allowance's size: how many a submitter may send at once after a pause.
    public var burst: Int
    /// A submitter's transactions accepted here and not yet committed or refused.
    public var inFlight: Int

    public init(rate: Double = 200, burst: Int = 400, inFlight: Int = 256) {
        self.rate = rate
        self.burst = burst
        self.inFlight = inFlight
    }

    public static let defaults = SubmitLimits()

    /// Why these limits cannot be used, if they cannot.
    public var problem: String? {
        if !(rate > 0) || !rate.isFinite { return "ledger.submit.rate must be a positive number of transactions a second" }
        if burst < 1 { return "ledger.submit.burst must be at least 1" }
        if inFlight < 1 { return "ledger.submit.in.flight must be at least 1" }
        return nil
    }
}

/// Each submitter's allowance (a token bucket: `burst` tokens, refilled at `rate` a second, one
/// spent per submission) and its transactions in flight at this data center. Pure: the caller
/// gives the time. What it keeps is bounded: a transaction counts as in flight until it is
/// settled or `inFlightHorizon` has passed, and a submitter with a full allowance and nothing in
/// flight is forgotten.
public struct SubmitterLimiter: Sendable {
    public let limits: SubmitLimits
    private var buckets: [Data: Bucket] = [:]
    private var flights: [TransactionID: Flight] = [:]
    private var counts: [Data: Int] = [:]
    private var admissions = 0
    /// Longer than any wait for a commit: an accepted transaction that never settles (its data
    /// center switched memberships, say) stops counting after this.
    public static let inFlightHorizon: UInt64 = 10 * 60 * 1_000

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: UInt64
    }

    private struct Flight: Sendable {
        let submitter: Data
        let since: UInt64
    }

    public init(limits: SubmitLimits) { self.limits = limits }

    /// Counts `id` against its submitter, or says which limit it passes. The same transaction
    /// submitted again while in flight costs nothing.
    public mutating func admit(_ id: TransactionID, submitter: Data, now: UInt64) -> LedgerError? {
        if flights[id] != nil { return nil }
        admissions += 1
        if admissions % 1_024 == 0 || buckets.count > 4 * limits.burst + 4_096 { prune(now: now) }
        if counts[submitter, default: 0] >= limits.inFlight { return .submitterInFlight(limit: limits.inFlight) }
        var bucket = refilled(buckets[submitter], now: now)
        guard bucket.tokens >= 1 else {
            buckets[submitter] = bucket
            return .submitterRate(rate: limits.rate, burst: limits.burst)
        }
        bucket.tokens -= 1
        buckets[submitter] = bucket
        flights[id] = Flight(submitter: submitter, since: now)
        counts[submitter, default: 0] += 1
        return nil
    }

    /// The transaction committed, was refused, or was never taken: it no longer counts.
    public mutating func settle(_ id: TransactionID) {
        guard let flight = flights.removeValue(forKey: id) else { return }
        let left = (counts[flight.submitter] ?? 1) - 1
        counts[flight.submitter] = left > 0 ? left : nil
    }

    /// Transactions counted as in flight, all submitters together.
    public var inFlight: Int { flights.count }

    /// Submitters remembered.
    public var submitters: Int { buckets.count }

    private func refilled(_ bucket: Bucket?, now: UInt64) -> Bucket {
        guard let bucket else { return Bucket(tokens: Double(limits.burst), updated: now) }
        let elapsed = now > bucket.updated ? Double(now - bucket.updated) / 1_000 : 0
        return Bucket(tokens: min(Double(limits.burst), bucket.tokens + elapsed * limits.rate), updated: max(now, bucket.updated))
    }

    private mutating func prune(now: UInt64) {
        for (id, flight) in flights where now > flight.since + Self.inFlightHorizon { settle(id) }
        buckets = buckets.filter { submitter, bucket in
            counts[submitter] != nil || refilled(bucket, now: now).tokens < Double(limits.burst)
        }
    }
}
