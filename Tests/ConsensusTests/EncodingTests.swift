@testable import Consensus
import Crypto
import Foundation
import Testing

/// Golden bytes, computed independently (Python's struct and hashlib) from the documented layouts:
/// if one of these changes, every client that reproduces the encodings breaks.
@Suite("Canonical encodings")
struct EncodingTests {
    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return data
    }

    static let header = BlockHeader(
        height: 1, previousHash: .zero, merkleRoot: Hash256(Data(repeating: 0x11, count: 32))!,
        timestamp: 1_700_000_000_000, nonce: 7, proposer: 2, view: 3
    )

    @Test("block header: 101 bytes in the documented order, big-endian; hash is SHA-256 of them")
    func headerEncoding() {
        let expected = "01" + "0000000000000001" + String(repeating: "00", count: 32) + String(repeating: "11", count: 32)
            + "0000018bcfe56800" + "0000000000000007" + "00000002" + "0000000000000003"
        #expect(Self.hex(Self.header.canonicalBytes) == expected)
        #expect(Self.header.canonicalBytes.count == 101)
        #expect(Self.header.hash.hex == "d604bd29d79de75134167cc083455136c285e217330b54e30b7c4d1eb0328e57")
        #expect(Self.hex(BlockHeader.signingBytes(Self.header.hash)) == "4752494454524144452d424c4f434b2d563100" + Self.header.hash.hex)
    }

    @Test("transaction: length-prefixed submitter, payload, signature; id and signing bytes leave the signature out")
    func transactionEncoding() {
        let transaction = Transaction(payload: Data("hi".utf8), submitter: Data([0xAA, 0xBB]), signature: Data([0x01]))
        #expect(Self.hex(transaction.canonicalBytes) == "00000002aabb0000000268690000000101")
        #expect(transaction.id.hex == "6d5d46029b9f20ef56268e425a29ea11ee972051b72a013cd6b2558a473ba3db")
        #expect(Self.hex(transaction.signingBytes) == "4752494454524144452d54582d56310000000002aabb000000026869")
        let resigned = Transaction(payload: transaction.payload, submitter: transaction.submitter, signature: Data([0x02]))
        #expect(resigned.id == transaction.id)
    }

    @Test("consensus message signing bytes: domain tag, membership for the bound kinds, sender, case tag, fields")
    func messageSigningBytes() {
        let vote = Vote(view: 4, sequence: 9, digest: Hash256(Data(repeating: 0x22, count: 32))!)
        let membership = SigningDomain(membershipBase: 16)
        // "GRIDTRADE-PBFT-V2" 0x00, u64 base height 16, u32 sender 2, prepare 3, view, sequence, digest.
        let expected = "4752494454524144452d504246542d563200" + "0000000000000010" + "00000002" + "03"
            + "0000000000000004" + "0000000000000009" + String(repeating: "22", count: 32)
        #expect(Self.hex(SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: membership)) == expected)
        // A commit for the same vote signs different bytes, and so does the same prepare in another membership.
        #expect(SignedMessage.signingBytes(sender: 2, message: .commit(vote), domain: membership) != SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: membership))
        #expect(SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: SigningDomain(membershipBase: 0)) != SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: membership))
        // Status and state transfer name no membership: "GRIDTRADE-PBFT-V1" 0x00, sender, fetch 9, from, through.
        let fetch = Message.fetchBlocks(BlockRange(from: 5, through: 7))
        #expect(Self.hex(SignedMessage.signingBytes(sender: 2, message: fetch, domain: membership))
            == "4752494454524144452d504246542d563100" + "00000002" + "09" + "0000000000000005" + "0000000000000007")
        // The test-only unbound domain signs every kind as V1 did.
        #expect(Self.hex(SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: .unbound))
            == "4752494454524144452d504246542d5631000000000203" + "0000000000000004" + "0000000000000009" + String(repeating: "22", count: 32))
    }

    @Test("messages and records survive a JSON round trip (the shell's wire and store format): hashes as hex, other bytes as base64")
    func jsonRoundTrip() throws {
        let transaction = Transaction(payload: Data("hi".utf8), submitter: Data([0xAA, 0xBB]), signature: Data([0x01]))
        let batch = Batch(view: 1, proposer: 1, timestamp: 5, nonce: 6, transactions: [transaction])
        let signed = SignedMessage(sender: 1, message: .prePrepare(PrePrepare(view: 1, sequence: 3, batch: batch)), signature: Data([9, 9]))
        let certificate = PreparedCertificate(prePrepare: signed, prepares: [signed])
        let records: [PersistedRecord] = [
            .transaction(transaction), .prePrepare(signed), .prepared(certificate),
            .viewChange(SignedMessage(sender: 2, message: .viewChange(ViewChange(newView: 2, checkpoint: nil, prepared: [certificate])), signature: Data())),
            .snapshot(Snapshot(view: 1, viewChange: nil, newView: nil, prePrepares: [signed], prepared: [certificate], transactions: [transaction])),
        ]
        let data = try JSONEncoder().encode(records)
        #expect(try JSONDecoder().decode([PersistedRecord].self, from: data) == records)
        let hashJSON = String(decoding: try JSONEncoder().encode(Self.header.hash), as: UTF8.self)
        #expect(hashJSON == "\"" + Self.header.hash.hex + "\"")
        let truncated = Data("\"AAEC\"".utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Hash256.self, from: truncated) }
    }

    @Test("P-256: data-center signatures and client transactions")
    func p256() {
        let keys = (0..<4).map { _ in P256.Signing.PrivateKey() }
        let verifier = P256SignatureVerifier(dataCenterKeys: keys.map(\.publicKey))
        let signed = SignedMessage.signed(.status(Status(view: 0, viewActive: true, executedHeight: 1, certifiedHeight: 1)), by: 2, with: P256MessageSigner(privateKey: keys[2]), domain: SigningDomain(membershipBase: 0))
        #expect(signed.isAuthentic(verifier, domain: SigningDomain(membershipBase: 0)))
        #expect(!SignedMessage(sender: 1, message: signed.message, signature: signed.signature).isAuthentic(verifier, domain: SigningDomain(membershipBase: 0)))
        let client = P256.Signing.PrivateKey()
        let transaction = P256TransactionVerifier.sign(payload: Data("contract".utf8), with: client)
        #expect(transaction.submitter.count == 65)
        #expect(P256TransactionVerifier().isValid(transaction))
        let altered = Transaction(payload: Data("contract!".utf8), submitter: transaction.submitter, signature: transaction.signature)
        #expect(!P256TransactionVerifier().isValid(altered))
    }
}
