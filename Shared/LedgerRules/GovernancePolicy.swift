/// How proposals are decided; every data center must run with the same policy.
///
/// A proposal passes once yes-votes × denominator ≥ numerator × electorate, where the electorate
/// is every data center in the membership when it opened. Abstaining (not voting) counts as not
/// approving, so a tie (yes = no with the rest abstaining) passes only if the ratio is already met
/// by the yes-votes alone: at 2/3 it never does. A proposal is rejected as soon as the
/// remaining voters could no longer make it pass, and expires (status `expired`, not passed) if
/// still open `votingWindow` blocks after the block that opened it.
public struct GovernancePolicy: Sendable, Hashable, Codable {
    public var approvalNumerator: Int
    public var approvalDenominator: Int
    public var votingWindow: UInt64
    /// The consensus parameters a membership change must respect (see `activationHeight`).
    public var checkpointInterval: UInt64
    public var watermarkWindow: UInt64

    public init(approvalNumerator: Int = 2, approvalDenominator: Int = 3, votingWindow: UInt64 = 1_000, checkpointInterval: UInt64 = 16, watermarkWindow: UInt64 = 64) {
        self.approvalNumerator = approvalNumerator
        self.approvalDenominator = approvalDenominator
        self.votingWindow = votingWindow
        self.checkpointInterval = checkpointInterval
        self.watermarkWindow = watermarkWindow
    }

    /// Why this policy cannot run, if it cannot.
    public var problem: String? {
        if approvalDenominator < 1 || approvalNumerator < 1 || approvalNumerator > approvalDenominator {
            return "the approval ratio must be a fraction in (0, 1]"
        }
        if votingWindow < 1 { return "the voting window must be at least one block" }
        return nil
    }

    /// Yes-votes needed among `electorate` data centers.
    public func required(of electorate: Int) -> Int {
        (approvalNumerator * electorate + approvalDenominator - 1) / approvalDenominator
    }

    /// The last block ordered by the old membership when a change is decided at `height`: the
    /// first checkpoint (a multiple of K) at least one watermark window and one interval later.
    /// No honest data center can have a sequence number above it in flight when it executes the
    /// decision (its high watermark is at most the decision height + the window), so every block
    /// up to it is ordered and certified by the old data centers and every block after it by the new.
    public func activationHeight(decidedAt height: UInt64) -> UInt64 {
        let earliest = height + watermarkWindow + checkpointInterval
        return (earliest + checkpointInterval - 1) / checkpointInterval * checkpointInterval
    }
}
