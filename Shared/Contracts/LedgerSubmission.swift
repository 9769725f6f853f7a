import GridProtocol

/// What the desk does with a data center's answer to a complete contract's submission. Pure, so
/// that "nothing is done twice" is decided in one place: a contract the ledger already holds is
/// committed (a resubmission after a crash or a lost reply), a refusal of the contract itself is
/// final, and anything about reaching the ledger is tried again.
public enum LedgerSubmission {
    public enum Verdict: Equatable, Sendable {
        /// Ask the ledger where it is recorded, and mark it committed there.
        case alreadyRecorded
        /// The data centers will never take it: the draft fails with the message.
        case refused
        /// Try again later (the ledger is unreachable, busy, or did not answer in time).
        case retry
    }

    public static func verdict(for code: StatusCode) -> Verdict {
        switch code {
        case .alreadyExists: .alreadyRecorded
        case .invalidArgument, .permissionDenied, .unauthenticated, .failedPrecondition, .notFound, .outOfRange: .refused
        default: .retry
        }
    }
}
