import Consensus

/// What `Ledger/Submit` answers, from the facts the shell gathers: first before the core sees the
/// transaction, then after the turn that handled it.
public enum SubmitPolicy {
    /// Before the core: a payload too large is refused; a transaction already committed is
    /// answered with where; one whose submitter signature does not verify is refused (16) before
    /// anything is counted against that submitter; what the recorded state already refuses is
    /// answered now and costs no block. Anything else goes on: to the submitter's limits, then
    /// the core. The facts are asked lazily, in this order: the signature and the state's check
    /// cost the most.
    public static func screen(
        payloadBytes: Int, committedAt: TransactionLocation?, recordedProblem: @autoclosure () -> TransactionRejection?,
        isSigned: @autoclosure () -> Bool
    ) -> SubmitScreen {
        guard payloadBytes <= LedgerLimits.maxPayloadBytes else {
            return .refuse(.payloadTooLarge(bytes: payloadBytes, limit: LedgerLimits.maxPayloadBytes))
        }
        if let committedAt { return .committed(committedAt) }
        guard isSigned() else { return .refuse(.refused(.invalidSignature)) }
        if let problem = recordedProblem() { return .refuse(.refused(problem)) }
        return .order
    }

    /// After the turn that handed the transaction to the core (its records durable): what the
    /// core said of it, if anything; else taken, when this data center holds a seat. Without one,
    /// it orders nothing and the client must submit elsewhere.
    public static func answer(rejected: TransactionRejection?, committedAt: TransactionLocation?, seated: Bool) -> SubmitOutcome {
        if let rejected { return .refused(.refused(rejected)) }
        if let committedAt { return .committed(committedAt) }
        return seated ? .accepted : .refused(.unseated)
    }
}

/// The answer before the core.
public enum SubmitScreen: Sendable, Equatable {
    case refuse(LedgerError)
    case committed(TransactionLocation)
    /// Hand it to the core.
    case order
}

/// What a submission comes to.
public enum SubmitOutcome: Sendable, Equatable {
    /// The core checked it and its record is on disk; it is ordered later.
    case accepted
    case committed(TransactionLocation)
    case refused(LedgerError)
}
