import Foundation
import GridProtocol
import Messages
import Testing

/// The typed fields write the JSON they replaced: the same keys, strings for ids and months, numbers
/// for prices, objects for maps by member.
@Suite("Wire shapes of the typed messages")
struct WireShapeTests {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("a round's trade order")
    func tradeOrder() throws {
        let order = TradeOrder(
            id: "r-1-1", creator: "m-c", createdAtMs: 5, seller: "m-g", buyer: "m-c", mwh: 67, price: Decimal(string: "14.16") ?? 0,
            periodStart: "2026-12", periodEnd: "2026-12", monthlySplit: [.init(month: "2026-12", mwh: 67)], status: .confirmed,
            roundId: "r-1", decidedAtMs: 5
        )
        let json = try Self.json(order)
        #expect(json == """
            {"buyer":"m-c","created_at_ms":5,"creator":"m-c","decided_at_ms":5,"id":"r-1-1","monthly_split":[{"month":"2026-12","mwh":67}],\
            "mwh":67,"period_end":"2026-12","period_start":"2026-12","price":14.16,"round_id":"r-1","seller":"m-g","status":"confirmed"}
            """)
        #expect(try JSONDecoder().decode(TradeOrder.self, from: Data(json.utf8)) == order)
    }

    @Test("a cleared round's outcome: maps by member are objects, the price a number, the pricing its name")
    func outcome() throws {
        let outcome = RoundOutcome(
            clearingPrice: Decimal(string: "14.16") ?? 0, pricing: .paper, outputs: ["GU1": 67], coalitionValue: 699.4, shapley: ["GU1": 699.4],
            orderIds: ["r-1-1"], shapleyHalfWidth95: ["GU1": 0.5], shapleySamples: 2_000
        )
        let json = try Self.json(outcome)
        #expect(json == """
            {"clearing_price":14.16,"coalition_value":699.4,"order_ids":["r-1-1"],"outputs":{"GU1":67},"pricing":"paper",\
            "shapley":{"GU1":699.4},"shapley_half_width_95":{"GU1":0.5},"shapley_samples":2000}
            """)
        #expect(try JSONDecoder().decode(RoundOutcome.self, from: Data(json.utf8)) == outcome)
    }

    @Test("a pricing or a statement kind outside its set does not decode: INVALID_ARGUMENT naming the field")
    func closedSets() throws {
        func status<T: Decodable>(_ type: T.Type, _ json: String) -> Status? {
            do {
                _ = try JSONDecoder().decode(type, from: Data(json.utf8))
                return nil
            } catch {
                return StatusMapping.status(for: error)
            }
        }
        #expect(status(OpenRoundRequest.self, #"{"month":"2026-12","duration_ms":5000,"pricing":"auction","demand_mwh":160,"max_price":20}"#)
            == Status(code: .invalidArgument, message: "body.pricing has an invalid value"))
        #expect(status(OpenRoundRequest.self, #"{"month":"2026-12","duration_ms":5000,"pricing":"uniform","demand_mwh":160,"max_price":20}"#) == nil)
        let statement = #"{"kind":"%@","signer":"m-t","payload":"e30=","signature":"","certificate":""}"#
        #expect(status(SignedStatement.self, statement.replacingOccurrences(of: "%@", with: "opinion"))
            == Status(code: .invalidArgument, message: "body.kind has an invalid value"))
        for kind in SignedStatement.Kind.allCases {
            #expect(status(SignedStatement.self, statement.replacingOccurrences(of: "%@", with: kind.rawValue)) == nil)
        }
        #expect(SignedStatement.Kind.allCases.map(\.rawValue) == ["review-decision", "security-check"])
        #expect(RoundPricing.allCases.map(\.rawValue) == ["paper", "uniform"])
    }
}
