import Foundation
import Messages
import Testing

@Suite("Typed identifiers")
struct IdentifierTests {
    struct Holder: Codable, Equatable {
        var member: MemberID
        var shares: [MemberID: Double]
    }

    @Test("an id is a plain string on the wire, and a dictionary by id is a JSON object")
    func wireShape() throws {
        let holder = Holder(member: "m-0123456789abcdef", shares: ["m-aa": 1.5])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(holder), as: UTF8.self)
        #expect(json == #"{"member":"m-0123456789abcdef","shares":{"m-aa":1.5}}"#)
        #expect(try JSONDecoder().decode(Holder.self, from: Data(json.utf8)) == holder)
    }

    /// `value` encodes as exactly the JSON string of `raw` and decodes back to itself.
    func roundTrips<ID: Identifier>(_ value: ID, as raw: String) throws -> Bool {
        let json = try JSONEncoder().encode([value])
        let decoded = try JSONDecoder().decode([ID].self, from: json)
        return String(decoding: json, as: UTF8.self) == "[\"\(raw)\"]" && decoded == [value] && value.rawValue == raw && value.description == raw
    }

    @Test("every id type is a plain JSON string")
    func everyType() throws {
        #expect(try roundTrips(MemberID("m-0123456789abcdef"), as: "m-0123456789abcdef"))
        #expect(try roundTrips(OrderID("o-0a1b2c3d4e5f"), as: "o-0a1b2c3d4e5f"))
        #expect(try roundTrips(RoundID("r-0a1b2c3d4e5f"), as: "r-0a1b2c3d4e5f"))
        #expect(try roundTrips(ContractID("ct-o-1"), as: "ct-o-1"))
        #expect(try roundTrips(ProposalID("ab12"), as: "ab12"))
        // A round's orders are named after it.
        #expect(try roundTrips(OrderID("r-1-2"), as: "r-1-2"))
    }

    @Test("a member id's spelling: 1 to 64 of A-Z a-z 0-9 . _ -")
    func memberSpelling() {
        #expect(MemberID("m-0123456789abcdef").isValid && MemberID(String(repeating: "a", count: 64)).isValid)
        #expect(!MemberID("").isValid && !MemberID(String(repeating: "a", count: 65)).isValid && !MemberID("m 1").isValid && !MemberID("m\n1").isValid)
    }

    @Test("a number is not an id")
    func refusesNumbers() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"member":7,"shares":{}}"#.utf8)) }
    }
}
