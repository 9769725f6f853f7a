import Bus
import Credentials
import Crypto
import Foundation
import Messages
import X509

public extension PartySignature {
    /// The evidence of a request (one the authenticator admitted): its exact body and signature entries.
    init(authenticated context: RequestContext) throws {
        let headers = try SignedRequestHeaders(metadata: context.metadata)
        guard let certificate = headers.certificate else { throw AuthError.unauthenticated("metadata gt-cert is required") }
        self.init(
            member: headers.memberID, method: context.method, body: context.bodyBytes.base64EncodedString(),
            timestampMs: headers.timestampMs, nonce: headers.nonce, signature: headers.signature.base64EncodedString(),
            certificate: certificate
        )
    }
}
