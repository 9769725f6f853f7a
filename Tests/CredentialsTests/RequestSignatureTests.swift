import Credentials
import Foundation
import Messages
import Testing

@Suite struct RequestSignatureTests {
    let key = MemberKey.generate()
    let otherKey = MemberKey.generate()
    let method = "Matching/SubmitOrder"
    let memberID = "plant-07"
    let digest = RequestSignature.bodyDigestHex(Data(#"{"mwh":5}"#.utf8))
    let timestampMs: Int64 = 1_767_225_600_123
    let nonce = "00112233445566778899aabbccddeeff"

    func signature() throws -> Data {
        try RequestSignature.sign(
            privateKey: key, method: method, memberID: memberID, bodyDigestHex: digest, timestampMs: timestampMs,
            nonce: nonce)
    }

    @Test func messageHasTheDocumentedLayout() {
        let message = RequestSignature.message(
            method: "Registry/Register", memberID: "m1", bodyDigestHex: RequestSignature.bodyDigestHex(Data()),
            timestampMs: 42, nonce: nonce)
        let expected = """
            GRIDTRADE-REQUEST-V1
            Registry/Register
            m1
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            42
            00112233445566778899aabbccddeeff
            """
        #expect(String(decoding: message, as: UTF8.self) == expected)
    }

    @Test func signatureVerifies() throws {
        #expect(
            RequestSignature.verify(
                signature: try signature(), publicKey: key.publicKey, method: method, memberID: memberID,
                bodyDigestHex: digest, timestampMs: timestampMs, nonce: nonce))
    }

    @Test func anyChangeBreaksTheSignature() throws {
        let signature = try signature()
        func verify(
            method: String? = nil, memberID: String? = nil, digest: String? = nil, timestampMs: Int64? = nil,
            nonce: String? = nil, otherKey useOtherKey: Bool = false
        ) -> Bool {
            RequestSignature.verify(
                signature: signature, publicKey: useOtherKey ? otherKey.publicKey : key.publicKey,
                method: method ?? self.method, memberID: memberID ?? self.memberID, bodyDigestHex: digest ?? self.digest,
                timestampMs: timestampMs ?? self.timestampMs, nonce: nonce ?? self.nonce)
        }
        #expect(verify())
        #expect(!verify(method: "Matching/CancelOrder"))
        #expect(!verify(memberID: "plant-08"))
        #expect(!verify(digest: RequestSignature.bodyDigestHex(Data(#"{"mwh":6}"#.utf8))))
        #expect(!verify(timestampMs: timestampMs + 1))
        #expect(!verify(nonce: "ffeeddccbbaa99887766554433221100"))
        #expect(!verify(otherKey: true))
    }

    @Test func garbageSignatureIsInvalid() {
        #expect(
            !RequestSignature.verify(
                signature: Data([1, 2, 3]), publicKey: key.publicKey, method: method, memberID: memberID,
                bodyDigestHex: digest, timestampMs: timestampMs, nonce: nonce))
    }
}
