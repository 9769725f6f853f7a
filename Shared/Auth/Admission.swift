import Bus
import Messages
import Storage

public extension Authenticator {
    /// The entry of every signed handler: authenticate, check the permission table, and record
    /// the nonce durably before the request is looked at (see `SQLiteStore.claim`).
    func admit(_ context: RequestContext, recordingIn store: SQLiteStore) async throws -> Caller {
        let caller = try authenticate(context)
        try authorize(caller, context.method)
        try await store.claim(nonce(member: caller.memberID, caller.nonce, timestampMs: caller.timestampMs))
        return caller
    }

    /// The same for a registration, signed with the key it registers.
    func admitRegistration(_ context: RequestContext, recordingIn store: SQLiteStore) async throws -> Applicant {
        let applicant = try authenticateRegistration(context)
        try await store.claim(nonce(member: applicant.memberID, applicant.nonce, timestampMs: applicant.timestampMs))
        return applicant
    }

    private func nonce(member: MemberID, _ value: String, timestampMs: Int64) -> RequestNonce {
        // Kept as long as the in-memory window: twice the accepted skew.
        RequestNonce(memberId: member.rawValue, value: value, timestampMs: timestampMs, lifeMs: 2 * maxSkewMs)
    }
}
