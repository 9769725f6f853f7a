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

    @Test("a number is not an id")
    func refusesNumbers() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"member":7,"shares":{}}"#.utf8)) }
    }
}
