import Crypto
import Foundation
import Messages
import SwiftASN1
import X509

/// Checks a member certificate against the trading center's CA certificate.
///
/// The market has a single CA and no intermediates, so the check is direct: the CA key signed
/// the certificate, it is in date, it is an end-entity certificate, and its subject names one
/// member id and one known role. Revocation is the caller's concern (it can look up
/// `MemberIdentity.serial`).
public enum CertificateCheck {
    public static func verify(
        _ leaf: Certificate,
        caCertificate: Certificate,
        now: Date
    ) throws(CertificateError) -> MemberIdentity {
        guard leaf.issuer == caCertificate.subject,
            caCertificate.publicKey.isValidSignature(leaf.signature, for: leaf)
        else { throw .notIssuedByCA }
        if now < leaf.notValidBefore { throw .notYetValid }
        if now > leaf.notValidAfter { throw .expired }

        let constraints: BasicConstraints?
        do {
            constraints = try leaf.extensions.basicConstraints
        } catch {
            throw .unreadable("malformed basic constraints extension")
        }
        if case .isCertificateAuthority = constraints { throw .isCA }
        guard P256.Signing.PublicKey(leaf.publicKey) != nil else { throw .unsupportedKey }

        let memberID = try single(.RDNAttributeType.commonName, named: "CN", in: leaf.subject)
        guard MemberID.isValid(memberID) else { throw .malformedSubject("invalid member id '\(memberID)'") }
        let roleName = try single(.RDNAttributeType.organizationalUnitName, named: "OU", in: leaf.subject)
        guard let role = Role(rawValue: roleName) else { throw .unknownRole(roleName) }

        return MemberIdentity(
            memberID: MemberID(memberID),
            role: role,
            serial: CertificateSerial.hex(leaf),
            notAfter: leaf.notValidAfter
        )
    }

    /// A member certificate as the registry hands it out (PEM), checked as `verify` checks one,
    /// with the P-256 key it certifies: for sealing to a member or checking its signatures.
    public static func verify(
        pem: String, caCertificate: Certificate, now: Date
    ) throws(CertificateError) -> (identity: MemberIdentity, key: P256.Signing.PublicKey) {
        let certificate = try CertificatePEM.decode(pem)
        let identity = try verify(certificate, caCertificate: caCertificate, now: now)
        guard let key = P256.Signing.PublicKey(certificate.publicKey) else { throw .unsupportedKey }
        return (identity, key)
    }

    /// The text of the one attribute of `type` in `name`; none, several or a non-string is malformed.
    private static func single(
        _ type: ASN1ObjectIdentifier,
        named label: String,
        in name: DistinguishedName
    ) throws(CertificateError) -> String {
        let values = name.flatMap { $0 }.filter { $0.type == type }.map(\.value)
        guard values.count == 1 else {
            throw .malformedSubject("expected one \(label), found \(values.count)")
        }
        guard let text = String(values[0]) else { throw .malformedSubject("\(label) is not a string") }
        return text
    }
}
