import Credentials
import Crypto
import Foundation
import Synchronization
import X509

/// Certificates already checked against the CA, by the SHA-256 of their DER: the same few
/// members sign contract after contract, and each check costs a P-256 verification.
public final class CertificateCache: Sendable {
    public let authority: Certificate
    private let checked = Mutex<[Data: Entry]>([:])

    struct Entry {
        let identity: MemberIdentity
        let certificate: Certificate
    }

    public init(authority: Certificate) { self.authority = authority }

    /// The member the certificate names, if the CA issued it and it is valid at `now`.
    func identity(of der: Data, now: Date) throws(ContractProblem) -> (MemberIdentity, Certificate) {
        let key = Data(SHA256.hash(data: der))
        if let entry = checked.withLock({ $0[key] }), now >= entry.certificate.notValidBefore, now <= entry.certificate.notValidAfter {
            return (entry.identity, entry.certificate)
        }
        do {
            let certificate = try CertificateDER.decode(der)
            let identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: now)
            checked.withLock { cache in
                if cache.count >= 10_000 { cache.removeAll() }
                cache[key] = Entry(identity: identity, certificate: certificate)
            }
            return (identity, certificate)
        } catch {
            throw ContractProblem(.unauthenticated, "certificate refused: \(error)")
        }
    }
}
