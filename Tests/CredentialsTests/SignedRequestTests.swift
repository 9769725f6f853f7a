import Bus
import Credentials
import Foundation
import Messages
import Testing

@Suite struct SignedRequestTests {
    let ca: CertificateAuthority
    let key = MemberKey.generate()
    let body = Data(#"{"price":"41.50"}"#.utf8)
    let method = "Matching/SubmitOrder"

    init() throws {
        ca = try CertificateAuthority.create(now: testNow)
    }

    func certifiedSigner() throws -> MemberSigner {
        let certificate = try ca.issue(memberID: "plant-07", role: .generator, publicKey: key.publicKey, now: testNow)
        return MemberSigner(memberID: "plant-07", privateKey: key, certificate: certificate, clock: { testNow + 0.25 })
    }

    /// What a server does with parsed headers: check the certificate, then the signature.
    func verifiedMember(_ headers: SignedRequestHeaders, method: String, body: Data) throws -> MemberID? {
        let certificate = try CertificateDER.fromBase64(try #require(headers.certificate))
        let identity = try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow)
        let valid = RequestSignature.verify(
            signature: headers.signature, publicKey: key.publicKey, method: method, memberID: headers.memberID.rawValue,
            bodyDigestHex: RequestSignature.bodyDigestHex(body), timestampMs: headers.timestampMs, nonce: headers.nonce)
        return valid && identity.memberID == headers.memberID ? identity.memberID : nil
    }

    @Test func certifiedSignerMetadataParsesAndVerifies() throws {
        let metadata = try certifiedSigner().metadata(method: method, body: body)
        #expect(Set(metadata.keys) == ["gt-member", "gt-cert", "gt-timestamp", "gt-nonce", "gt-signature"])
        #expect(metadata["gt-timestamp"] == "1767225600250")

        let headers = try SignedRequestHeaders(metadata: metadata)
        #expect(headers.memberID == "plant-07")
        #expect(headers.timestampMs == 1_767_225_600_250)
        #expect(headers.nonce == metadata["gt-nonce"])
        #expect(headers.publicKey == nil)
        #expect(try verifiedMember(headers, method: method, body: body) == "plant-07")
        #expect(try verifiedMember(headers, method: "Matching/CancelOrder", body: body) == nil)
        #expect(try verifiedMember(headers, method: method, body: body + Data(" ".utf8)) == nil)
    }

    @Test func registrationSignerSendsItsPublicKey() throws {
        let signer = MemberSigner(memberID: "newcomer", privateKey: key, certificate: nil)
        let metadata = try signer.metadata(method: "Registry/Register", body: body)
        #expect(metadata["gt-cert"] == nil)

        let headers = try SignedRequestHeaders(metadata: metadata)
        #expect(headers.certificate == nil)
        #expect(headers.publicKey == key.publicKey.derRepresentation.base64EncodedString())
        #expect(
            RequestSignature.verify(
                signature: headers.signature, publicKey: key.publicKey, method: "Registry/Register",
                memberID: "newcomer", bodyDigestHex: RequestSignature.bodyDigestHex(body),
                timestampMs: headers.timestampMs, nonce: headers.nonce))
    }

    @Test func signerIsUsableAsABusRequestSigner() throws {
        let signer: any RequestSigner = try certifiedSigner()
        let first = try signer.metadata(method: method, body: body)
        let second = try signer.metadata(method: method, body: body)
        #expect(first["gt-nonce"] != second["gt-nonce"])
    }

    @Test func nonceIsThirtyTwoLowercaseHexDigits() throws {
        let nonce = try #require(try certifiedSigner().metadata(method: method, body: body)["gt-nonce"])
        #expect(nonce.count == 32)
        #expect(nonce.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test(arguments: ["gt-member", "gt-timestamp", "gt-nonce", "gt-signature", "gt-cert"])
    func missingEntryIsNamed(entry: String) throws {
        var metadata = try certifiedSigner().metadata(method: method, body: body)
        metadata[entry] = nil
        #expect(throws: SignedRequestHeadersError.missing(entry)) { try SignedRequestHeaders(metadata: metadata) }
    }

    @Test(arguments: [
        ("gt-member", "bad id"),
        ("gt-timestamp", "soon"),
        ("gt-timestamp", "-5"),
        ("gt-timestamp", "+5"),
        ("gt-timestamp", "0012"),
        ("gt-timestamp", "99999999999999999999"),
        ("gt-nonce", "abc"),
        ("gt-nonce", "00112233445566778899AABBCCDDEEFF"),
        ("gt-nonce", "00112233445566778899aabbccddeefg"),
        ("gt-signature", "%%%"),
        ("gt-signature", "AQID"),
        ("gt-cert", "%%%"),
        ("gt-cert", "AQID"),
    ])
    func malformedEntryIsNamed(entry: String, value: String) throws {
        var metadata = try certifiedSigner().metadata(method: method, body: body)
        metadata[entry] = value
        #expect {
            try SignedRequestHeaders(metadata: metadata)
        } throws: { error in
            guard case SignedRequestHeadersError.malformed(let named, _) = error else { return false }
            return named == entry
        }
    }

    @Test func malformedPublicKeyIsNamed() throws {
        var metadata = try MemberSigner(memberID: "newcomer", privateKey: key, certificate: nil)
            .metadata(method: "Registry/Register", body: body)
        metadata["gt-public-key"] = "AQID"
        #expect {
            try SignedRequestHeaders(metadata: metadata)
        } throws: { error in
            guard case SignedRequestHeadersError.malformed("gt-public-key", _) = error else { return false }
            return true
        }
    }

    @Test func certificateAndPublicKeyTogetherAreRefused() throws {
        var metadata = try certifiedSigner().metadata(method: method, body: body)
        metadata["gt-public-key"] = key.publicKey.derRepresentation.base64EncodedString()
        #expect(throws: SignedRequestHeadersError.self) { try SignedRequestHeaders(metadata: metadata) }
    }

    @Test func errorNamesTheEntry() {
        #expect(SignedRequestHeadersError.missing("gt-nonce").description == "request metadata lacks 'gt-nonce'")
    }
}
