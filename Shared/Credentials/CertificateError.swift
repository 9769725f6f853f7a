/// Why a member certificate is refused.
///
/// Note: swift-certificates also has an `X509.CertificateError`; code importing both modules
/// names this one `Credentials.CertificateError`.
public enum CertificateError: Error, Equatable, CustomStringConvertible {
    /// The certificate is not signed by the trading center's CA key, or names another issuer.
    case notIssuedByCA
    /// The certificate's validity period has ended.
    case expired
    /// The certificate's validity period has not started.
    case notYetValid
    /// The subject lacks exactly one valid member id (CN) and one role (OU).
    case malformedSubject(String)
    /// The subject's OU is not one of the market roles.
    case unknownRole(String)
    /// The certificate is a CA certificate; members hold end-entity certificates only.
    case isCA
    /// The certificate's key is not a P-256 key, so it cannot check request signatures.
    case unsupportedKey
    /// The bytes are not a certificate (bad PEM, base64, DER or extension encoding).
    case unreadable(String)

    public var description: String {
        switch self {
        case .notIssuedByCA: "certificate was not issued by the trading center's CA"
        case .expired: "certificate has expired"
        case .notYetValid: "certificate is not valid yet"
        case .malformedSubject(let reason): "certificate subject is malformed: \(reason)"
        case .unknownRole(let role): "certificate names an unknown role '\(role)'"
        case .isCA: "certificate is a CA certificate, not a member certificate"
        case .unsupportedKey: "certificate key is not a P-256 key"
        case .unreadable(let reason): "certificate is unreadable: \(reason)"
        }
    }
}
