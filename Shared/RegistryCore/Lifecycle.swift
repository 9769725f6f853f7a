import Messages

/// Admission as a state machine: pending → approved or rejected; approved → revoked.
public enum Lifecycle {
    public enum Action: String, Sendable {
        case approve, reject, revoke
    }

    public static func next(_ status: MemberStatus, _ action: Action, member: MemberID) throws(RegistryError) -> MemberStatus {
        switch (status, action) {
        case (.pending, .approve): return .approved
        case (.pending, .reject): return .rejected
        case (.approved, .revoke): return .revoked
        default: throw .wrongStatus(member: member, status: status.rawValue, action: action.rawValue)
        }
    }
}
