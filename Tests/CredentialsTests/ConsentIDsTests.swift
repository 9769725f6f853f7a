import Credentials
import Messages
import Testing

@Suite("Ids named by the signed request that made them")
struct ConsentIDsTests {
    /// Known answers computed with the formula in docs/protocol.md ("Ids named by consent"), in
    /// Python's hashlib, so a client in another language can check its own implementation.
    @Test("an order's and a round's id match the documented formula")
    func knownAnswers() {
        let member: MemberID = "m-0123456789abcdef"
        let nonce = "00112233445566778899aabbccddeeff"
        #expect(ConsentIDs.order(createdBy: member, nonce: nonce) == "o-a94bd44e2a7572a6")
        #expect(ConsentIDs.round(openedBy: member, nonce: nonce) == "r-17fef5b3d2f31513")
    }

    @Test("another nonce, another member or the other kind gives another id")
    func distinct() {
        let ids: [String] = [
            ConsentIDs.order(createdBy: "m-a", nonce: "1").rawValue, ConsentIDs.order(createdBy: "m-a", nonce: "2").rawValue,
            ConsentIDs.order(createdBy: "m-b", nonce: "1").rawValue, String(ConsentIDs.round(openedBy: "m-a", nonce: "1").rawValue.dropFirst(2)),
        ]
        #expect(Set(ids.map { $0.hasPrefix("o-") ? String($0.dropFirst(2)) : $0 }).count == 4)
    }
}
