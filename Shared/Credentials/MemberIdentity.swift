import Foundation
import Messages

/// Who a verified certificate says its holder is: what `CertificateCheck.verify` returns.
public struct MemberIdentity: Hashable, Codable, Sendable {
    /// The certificate's common name (CN).
    public let memberID: String
    /// The certificate's organisational unit (OU).
    public let role: Role
    /// The certificate's serial number, lowercase hex, so a revocation list can name it.
    public let serial: String
    /// When the certificate stops being valid; the member must be re-certified before then.
    public let notAfter: Date

    public init(memberID: String, role: Role, serial: String, notAfter: Date) {
        self.memberID = memberID
        self.role = role
        self.serial = serial
        self.notAfter = notAfter
    }
}

/// The spelling rule for member ids.
///
/// Ids end up in certificate subjects, log lines, file names and the signed request message
/// (where a newline would let one field pose as another), so they are kept to a plain,
/// unambiguous alphabet: 1 to 64 characters from `A-Z a-z 0-9 . _ -`.
public enum MemberID {
    public static let maxLength = 64

    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
