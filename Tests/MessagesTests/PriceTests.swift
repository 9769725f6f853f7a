import Foundation
import Messages
import Testing

@Suite("Prices as Decimal")
struct PriceTests {
    @Test("the game's Double becomes the market's price once: its shortest spelling, half-even to $0.0001/MWh", arguments: [
        // The paper's clearing price, as the game computes it.
        (14.159999999999998, "14.16"),
        (14.16, "14.16"),
        (13.090000000000002, "13.09"),
        (14, "14"),
        // Halves go to the even neighbour.
        (0.00005, "0"), (0.00015, "0.0002"), (0.00025, "0.0002"), (1.23445, "1.2344"), (1.23455, "1.2346"), (-1.23445, "-1.2344"),
        // Beyond the half, up; below, down.
        (1.234451, "1.2345"), (1.234449, "1.2344"),
        (99_999.99999, "100000"),
    ])
    func rounded(game: Double, market: String) throws {
        let price = try #require(Price.rounded(game))
        #expect(price == Decimal(string: market))
        #expect(price.description == market)
    }

    @Test("no price for a Double that is not finite")
    func notFinite() {
        #expect(Price.rounded(.nan) == nil && Price.rounded(.infinity) == nil && Price.rounded(-.infinity) == nil)
    }

    @Test("Decimal and Double meet by the decimal spelling: 14.16 is 14.16 both ways")
    func conversions() {
        #expect(Price.decimal(14.16) == Decimal(string: "14.16"))
        #expect(Price.double(Decimal(string: "14.16") ?? 0) == 14.16)
        #expect(Price.decimal(0.1) + Price.decimal(0.2) == Decimal(string: "0.3"))
        #expect(!Price.decimal(.nan).isFinite)
    }

    @Test("on the wire a price is a JSON number, kept as sent")
    func wire() throws {
        let request = CreateOrderRequest(seller: "m-s", buyer: "m-b", price: Decimal(string: "14.16") ?? 0, monthlySplit: [.init(month: "2027-01", mwh: 100)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(request), as: UTF8.self)
        #expect(json == #"{"buyer":"m-b","monthly_split":[{"month":"2027-01","mwh":100}],"price":14.16,"seller":"m-s"}"#)
        // More digits than a Double holds are kept.
        let precise = try JSONDecoder().decode(CreateOrderRequest.self, from: Data(json.replacingOccurrences(of: "14.16", with: "14.123456789012345678").utf8))
        #expect(precise.price == Decimal(string: "14.123456789012345678"))
    }

    @Test("a number beyond Decimal's range still decodes and reaches the rule that names the field, as it did as a Double")
    func outOfRange() throws {
        func request(_ price: String) throws -> CreateOrderRequest {
            try JSONDecoder().decode(CreateOrderRequest.self, from: Data(#"{"seller":"m-s","buyer":"m-b","price":\#(price),"monthly_split":[]}"#.utf8))
        }
        #expect(try request("1e300").price == .greatestFiniteMagnitude)
        #expect(MarketLimits.priceProblem(try request("1e300").price) == "must be in (0, 100000] $/MWh")
        #expect(try request("-1e300").price == -.greatestFiniteMagnitude)
        #expect(try request("1e-200").price == .leastNonzeroMagnitude)
        #expect(MarketLimits.priceProblem(try request("1e-200").price) == nil)
        #expect(MarketLimits.priceProblem(100_000) == nil && MarketLimits.priceProblem(0) != nil)
        // Not a number is not a price.
        #expect(throws: DecodingError.self) { try request(#""14""#) }
        let demand = try JSONDecoder().decode(PublishDemandRequest.self, from: Data(#"{"month":"2027-01","mwh":10,"max_price":1e300}"#.utf8))
        #expect(demand.maxPrice == .greatestFiniteMagnitude)
    }
}
