import Foundation
import Messages

/// Who a verified certificate says its holder is: what `CertificateCheck.verify` returns.
public struct MemberIdentity: Hashable, Codable, Sendable {
    /// The certificate's common name (CN).
    public let memberID: MemberID
    /// The certificate's organisational unit (OU).
    public let role: Role
    /// The certificate's serial number, lowercase hex, so a revocation list can name it.
    public let serial: String
    /// When the certificate stops being valid; the member must be re-certified before then.
    public let notAfter: Date

    public init(memberID: MemberID, role: Role, serial: String, notAfter: Date) {
        self.memberID = memberID
        self.role = role
        self.serial = serial
        self.notAfter = notAfter
    }
}
