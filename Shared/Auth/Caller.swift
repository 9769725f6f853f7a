import Messages

/// Who sent an authenticated request, and the nonce that makes it unrepeatable.
public struct Caller: Sendable, Equatable {
    public let memberID: MemberID
    public let role: Role
    /// The certificate's serial, hex.
    public let serial: String
    public let nonce: String
    public let timestampMs: Int64
}

/// A registration, signed with the key it registers.
public struct Applicant: Sendable, Equatable {
    public let memberID: MemberID
    /// DER SubjectPublicKeyInfo of the key.
    public let publicKeyDER: [UInt8]
    public let nonce: String
    public let timestampMs: Int64
}
