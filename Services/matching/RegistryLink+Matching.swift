import Messages
import MatchingCore
import RegistryLink

extension RegistryLink {
    /// An admitted (approved, not revoked) member of the given role, or matching's error naming the field.
    func admitted(_ id: MemberID, as role: Role, field: String) async throws -> Member {
        guard let member = try await member(id) else { throw MatchingError.invalid(field: field, reason: "'\(id)' is not a member") }
        guard member.status == .approved, !isRevoked(id) else {
            throw MatchingError.failedPrecondition("member \(id) is \(member.status.rawValue), not admitted")
        }
        guard member.role == role else { throw MatchingError.invalid(field: field, reason: "'\(id)' is a \(member.role.rawValue), not a \(role.rawValue)") }
        return member
    }
}
