import Consensus
import Foundation
import Testing

/// The JSON a client in another language reads: snake_case keys, hashes as 64 hex digits, other
/// bytes as base64, messages and records as {"type", "body"}.
@Suite("JSON shapes on the wire")
struct JSONShapeTests {
    func object(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? [String: Any])
    }

    @Test("a header: snake_case keys and hex hashes")
    func header() throws {
        let previous = Hash256.sha256(Data("before".utf8))
        let header = BlockHeader(height: 7, previousHash: previous, merkleRoot: .zero, timestamp: 1_000, nonce: 3, proposer: 2, view: 1)
        let json = try object(header)
        #expect(Set(json.keys) == ["height", "previous_hash", "merkle_root", "timestamp", "nonce", "proposer", "view"])
        #expect(json["previous_hash"] as? String == previous.hex)
        #expect(json["merkle_root"] as? String == String(repeating: "0", count: 64))
        #expect(try JSONDecoder().decode(BlockHeader.self, from: try JSONEncoder().encode(header)) == header)
    }

    @Test("a message is {type, body}; a record too; both round-trip")
    func tagged() throws {
        let vote = Message.commit(Vote(view: 2, sequence: 9, digest: Hash256.sha256(Data("batch".utf8))))
        let json = try object(vote)
        #expect(json["type"] as? String == "commit")
        let body = try #require(json["body"] as? [String: Any])
        #expect(body["digest"] as? String == Hash256.sha256(Data("batch".utf8)).hex)
        #expect(try JSONDecoder().decode(Message.self, from: try JSONEncoder().encode(vote)) == vote)

        let proposal = Message.prePrepare(PrePrepare(view: 0, sequence: 1, batch: Batch.empty(view: 0, proposer: 0)))
        #expect(try object(proposal)["type"] as? String == "pre_prepare")
        let record = PersistedRecord.prePrepare(SignedMessage(sender: 0, message: proposal, signature: Data([1, 2])))
        #expect(try object(record)["type"] as? String == "pre_prepare")
        #expect(try JSONDecoder().decode(PersistedRecord.self, from: try JSONEncoder().encode(record)) == record)
    }

    @Test("a hash that is not 64 hex digits does not decode")
    func badHash() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Hash256].self, from: Data(#"["abc"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Hash256].self, from: Data("[\"\(String(repeating: "g", count: 64))\"]".utf8)) }
    }
}
