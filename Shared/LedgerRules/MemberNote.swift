import Contracts
import Credentials
import Crypto
import Foundation
import X509

/// A note a member records, as a `note` ledger entry: the member's certificate beside the note's
/// bytes, so that every data center can tell, from the transaction alone, that its submitter key
/// is an admitted member's. (A data center of the membership records opaque notes with its own
/// key: the chain itself says that key is a member's.)
public struct MemberNote: Codable, Sendable, Equatable {
    /// Base64 of the DER of the submitter's member certificate, which the trading center's CA
    /// issued for the transaction's `submitter` key.
    public var certificate: String
    /// Base64 of the note's bytes.
    public var data: String

    public init(certificate: String, data: String) {
        self.certificate = certificate
        self.data = data
    }

    public init(certificate: Certificate, note: Data) throws {
        self.init(certificate: try CertificateDER.base64(certificate), data: note.base64EncodedString())
    }
}

/// What the rules read from a member certificate without the CA: whose it is (its CN and key)
/// and when it is valid. The check before ordering ties the certificate to the CA; what depends
/// on time is judged at execution, at the block's timestamp.
public struct CertificateFacts: Sendable, Equatable {
    public let memberID: String
    /// The certified key, x9.63 uncompressed (as a transaction's `submitter`).
    public let publicKey: Data
    /// Unix milliseconds, inclusive.
    public let notValidBefore: UInt64
    public let notValidAfter: UInt64

    /// Reads base64 DER; 3 (invalid argument) when it is not a P-256 member certificate.
    public static func read(base64 text: String) throws(ContractProblem) -> CertificateFacts {
        guard let der = Data(base64Encoded: text) else { throw ContractProblem(.invalidArgument, "the certificate is not base64") }
        let certificate: Certificate
        do {
            certificate = try CertificateDER.decode(der)
        } catch {
            throw ContractProblem(.invalidArgument, "the certificate is not a DER certificate")
        }
        guard let key = P256.Signing.PublicKey(certificate.publicKey) else {
            throw ContractProblem(.invalidArgument, "the certificate's key is not a P-256 key")
        }
        let names = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }.compactMap { String($0.value) }
        guard names.count == 1, let memberID = names.first else { throw ContractProblem(.invalidArgument, "the certificate names no single member") }
        return CertificateFacts(
            memberID: memberID, publicKey: key.x963Representation,
            notValidBefore: Self.milliseconds(certificate.notValidBefore), notValidAfter: Self.milliseconds(certificate.notValidAfter)
        )
    }

    public func isValid(at milliseconds: UInt64) -> Bool { notValidBefore <= milliseconds && milliseconds <= notValidAfter }

    static func milliseconds(_ date: Date) -> UInt64 { UInt64(clamping: Int64((date.timeIntervalSince1970 * 1_000).rounded())) }
}
