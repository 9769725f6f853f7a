import Crypto
import Foundation
import Messages
import SwiftASN1
import X509

/// The trading center's certificate authority: its private key and self-signed certificate.
///
/// Admission to the market is expressed as a certificate: the registry, which holds this CA,
/// issues each admitted member a certificate binding its member id, role and public key.
/// Every service trusts exactly this one CA certificate, so checking a request needs no
/// lookup in the registry's database.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey

    /// PKCS#8 PEM of the CA key. Keep it on the registry's host only.
    public var privateKeyPEM: String { MemberKey.privateKeyPEM(privateKey) }
    /// PEM of the CA certificate: the trust anchor every service is configured with.
    public var certificatePEM: String { get throws(CertificateError) { try CertificatePEM.encode(certificate) } }

    private init(privateKey: P256.Signing.PrivateKey, certificate: Certificate) {
        self.privateKey = privateKey
        self.certificate = certificate
    }

    /// Makes a new CA key and a self-signed certificate `CN=<name>, O=GridTrade` valid from
    /// `now` for `validity`.
    public static func create(
        name: String = "GridTrade Trading Center CA",
        now: Date,
        validity: TimeInterval = 10 * 365 * 24 * 3600
    ) throws(CertificateAuthorityError) -> CertificateAuthority {
        let key = MemberKey.generate()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let start = wholeSeconds(now)
        do {
            let subject = try DistinguishedName {
                OrganizationName(organization)
                CommonName(name)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: randomSerial(),
                publicKey: publicKey,
                notValidBefore: start,
                notValidAfter: start + validity,
                issuer: subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key)
            )
            return CertificateAuthority(privateKey: key, certificate: certificate)
        } catch {
            throw .signingFailed("\(error)")
        }
    }

    /// Loads a CA saved as `privateKeyPEM` and `certificatePEM`, refusing a key that does not
    /// belong to the certificate or a certificate that is not a CA certificate.
    public init(privateKeyPEM: String, certificatePEM: String) throws(CertificateAuthorityError) {
        let key: P256.Signing.PrivateKey
        let certificate: Certificate
        do {
            key = try MemberKey.loadPrivateKey(pem: privateKeyPEM)
        } catch {
            throw .unreadableKey(error.description)
        }
        do {
            certificate = try CertificatePEM.decode(certificatePEM)
        } catch {
            throw .unreadableCertificate(error.description)
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else { throw .keyMismatch }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw .notAuthority
        }
        self.init(privateKey: key, certificate: certificate)
    }

    /// Issues a member certificate `CN=<memberID>, OU=<role>, O=GridTrade` for `publicKey`,
    /// valid from `now` for `validity`, usable only to sign (client authentication).
    public func issue(
        memberID: String,
        role: Role,
        publicKey: P256.Signing.PublicKey,
        serial: Certificate.SerialNumber = CertificateAuthority.randomSerial(),
        now: Date,
        validity: TimeInterval = 365 * 24 * 3600
    ) throws(CertificateAuthorityError) -> Certificate {
        guard MemberID.isValid(memberID) else { throw .invalidMemberID(memberID) }
        let memberKey = Certificate.PublicKey(publicKey)
        let start = Self.wholeSeconds(now)
        do {
            let subject = try DistinguishedName {
                OrganizationName(Self.organization)
                OrganizationalUnitName(role.rawValue)
                CommonName(memberID)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                AuthorityKeyIdentifier(keyIdentifier: try authorityKeyIdentifier())
                SubjectKeyIdentifier(hash: memberKey)
            }
            return try Certificate(
                version: .v3,
                serialNumber: serial,
                publicKey: memberKey,
                notValidBefore: start,
                notValidAfter: start + validity,
                issuer: certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(privateKey)
            )
        } catch {
            throw .signingFailed("\(error)")
        }
    }

    /// A random positive 16-byte serial number (the top bit is cleared so the DER INTEGER
    /// needs no sign byte).
    public static func randomSerial() -> Certificate.SerialNumber {
        var bytes = secureRandomBytes(count: 16)
        bytes[0] &= 0x7F
        return Certificate.SerialNumber(bytes: bytes)
    }

    static let organization = "GridTrade"

    /// The CA certificate's own key identifier, or one derived from its key when a loaded
    /// certificate lacks the extension.
    private func authorityKeyIdentifier() throws -> ArraySlice<UInt8> {
        try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    /// Certificates store whole seconds and X509 rounds to the nearest one; rounding down
    /// instead keeps a certificate issued at `now` valid at `now`.
    private static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}

/// Why the CA could not be loaded or could not issue a certificate.
public enum CertificateAuthorityError: Error, Equatable, CustomStringConvertible {
    /// The member id is empty, longer than 64 characters or has characters outside `A-Za-z0-9._-`.
    case invalidMemberID(String)
    case unreadableKey(String)
    case unreadableCertificate(String)
    /// The private key does not belong to the CA certificate.
    case keyMismatch
    /// The certificate is not marked as a certificate authority.
    case notAuthority
    case signingFailed(String)

    public var description: String {
        switch self {
        case .invalidMemberID(let id):
            "invalid member id '\(id)': use 1 to \(MemberID.maxLength) characters from A-Z a-z 0-9 . _ -"
        case .unreadableKey(let reason): "CA key is unreadable: \(reason)"
        case .unreadableCertificate(let reason): "CA certificate is unreadable: \(reason)"
        case .keyMismatch: "CA key does not match the CA certificate"
        case .notAuthority: "CA certificate is not a certificate authority"
        case .signingFailed(let reason): "could not sign the certificate: \(reason)"
        }
    }
}
