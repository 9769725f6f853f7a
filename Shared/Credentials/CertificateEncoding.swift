import Foundation
import SwiftASN1
import X509

/// PEM ("-----BEGIN CERTIFICATE-----") form of a certificate: files and openssl.
public enum CertificatePEM {
    public static func encode(_ certificate: Certificate) -> String {
        PEMDocument(type: Certificate.defaultPEMDiscriminator, derBytes: Array(CertificateDER.encode(certificate)))
            .pemString
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
    public static func encode(_ certificate: Certificate) -> Data {
        var serializer = DER.Serializer()
        // A Certificate keeps the DER it was parsed from or signed over and serializing only
        // copies those bytes out, so this cannot fail.
        try! serializer.serialize(certificate)
        return Data(serializer.serializedBytes)
    }

    public static func decode(_ der: Data) throws(CertificateError) -> Certificate {
        do {
            return try Certificate(derEncoded: Array(der))
        } catch {
            throw .unreadable("not a DER certificate")
        }
    }

    public static func base64(_ certificate: Certificate) -> String {
        encode(certificate).base64EncodedString()
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
