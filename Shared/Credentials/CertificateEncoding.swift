import Foundation
import SwiftASN1
import X509

/// PEM ("-----BEGIN CERTIFICATE-----") form of a certificate: files and openssl.
public enum CertificatePEM {
    public static func encode(_ certificate: Certificate) throws(CertificateError) -> String {
        PEMDocument(type: Certificate.defaultPEMDiscriminator, derBytes: Array(try CertificateDER.encode(certificate))).pemString
    }

    public static func decode(_ pem: String) throws(CertificateError) -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw .unreadable("not a certificate PEM")
        }
    }
}

/// DER form of a certificate, and its base64 spelling used in the `gt-cert` request metadata.
public enum CertificateDER {
    /// A certificate keeps the DER it was parsed from or signed over, so this fails only on a
    /// certificate the library itself could not have made; that is still an error, not a trap.
    public static func encode(_ certificate: Certificate) throws(CertificateError) -> Data {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw .unreadable("the certificate does not serialize to DER")
        }
        return Data(serializer.serializedBytes)
    }

    public static func decode(_ der: Data) throws(CertificateError) -> Certificate {
        do {
            return try Certificate(derEncoded: Array(der))
        } catch {
            throw .unreadable("not a DER certificate")
        }
    }

    public static func base64(_ certificate: Certificate) throws(CertificateError) -> String {
        try encode(certificate).base64EncodedString()
    }

    public static func fromBase64(_ text: String) throws(CertificateError) -> Certificate {
        guard let der = Data(base64Encoded: text) else { throw .unreadable("not base64") }
        return try decode(der)
    }
}

/// A certificate's serial number as lowercase hex: how `MemberIdentity.serial`, stores and
/// revocation lists spell it.
public enum CertificateSerial {
    public static func hex(_ certificate: Certificate) -> String {
        certificate.serialNumber.bytes.lowercaseHex
    }
}
