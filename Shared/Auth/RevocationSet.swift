import Messages
import Synchronization

/// The members whose certificates are revoked, as this process knows them. The registry fills it
/// from its store; other services from the registry's `MemberRevoked` events (`RevocationFeed`).
public final class RevocationSet: Sendable {
    private let revoked = Mutex<Set<MemberID>>([])

    public init() {}

    public func add(_ revocation: Revocation) {
        _ = revoked.withLock { $0.insert(revocation.memberId) }
    }

    public func isRevoked(_ memberID: MemberID) -> Bool { revoked.withLock { $0.contains(memberID) } }
}
