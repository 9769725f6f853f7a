import ArgumentParser
import Bus
import Contracts
import Foundation
import Messages

/// The review service's RPC endpoint, for commands that ask the contract desk where a trade is.
struct ReviewEndpointOption: ParsableArguments {
    @Option(help: "The review service's RPC endpoint (default: $GRIDTRADE_REVIEW, else tcp://127.0.0.1:7121).")
    var review: String?

    var endpoint: String { review ?? ProcessInfo.processInfo.environment["GRIDTRADE_REVIEW"] ?? ServiceName.review.defaultEndpoints.rpc }
}

/// A trade order as matching has it, with where it is in the pipeline: `stage` (matching's status
/// until the trading center's desk has it), and `failure`, `contract_id`, `height` once known.
/// The order's own fields come first and unchanged, so a reader of `TradeOrder` still reads it.
struct OrderWithStage: Encodable {
    let order: TradeOrder
    let trade: TradeProgress?

    enum Keys: String, CodingKey {
        case stage, failure, height
        case contractId = "contract_id"
    }

    func encode(to encoder: any Encoder) throws {
        try order.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(trade?.stage.rawValue ?? order.status.rawValue, forKey: .stage)
        try container.encodeIfPresent(trade?.failure ?? (order.status == .rejected ? order.reason : nil), forKey: .failure)
        try container.encodeIfPresent(trade?.contractId, forKey: .contractId)
        try container.encodeIfPresent(trade?.height, forKey: .height)
    }
}

extension OrderCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One trade order, with its stage in the pipeline (and why a stage failed), its contract and block once it has them."
        )
        @Argument(help: "The order id.") var order: String
        @OptionGroup var options: MatchingOptions
        @OptionGroup var review: ReviewEndpointOption

        func run() async throws {
            let matching = try RPCClient(endpoint: options.endpoint)
            let desk = try RPCClient(endpoint: review.endpoint)
            defer {
                matching.close()
                desk.close()
            }
            let found = try await call(matching, MatchingAPI.getOrder, OrderQuery(orderId: OrderID(order)))
            // Not at the desk yet (5), or the review service is down: the order's own status is its stage.
            let trade = try? await desk.call(ReviewAPI.getTrade, TradeQuery(orderId: found.id), deadline: .seconds(5))
            try printJSON(OrderWithStage(order: found, trade: trade))
        }
    }

    struct Trades: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trade orders by pipeline stage (reviewed, checked, drafted, signed, submitted, committed), from the trading center's desk."
        )
        @Option(help: "Only trades at this stage.") var stage: String?
        @Flag(help: "Only trades whose stage failed.") var failed = false
        @OptionGroup var review: ReviewEndpointOption

        func run() async throws {
            let parsed = try stage.map { value -> TradeStage in
                guard let stage = TradeStage(rawValue: value) else {
                    throw ValidationError("--stage must be one of \(TradeStage.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return stage
            }
            let desk = try RPCClient(endpoint: review.endpoint)
            defer { desk.close() }
            var trades: [TradeProgress] = []
            var after: Int64 = 0
            while true {
                let page = try await call(desk, ReviewAPI.listTrades, TradeListQuery(stage: parsed, failed: failed ? true : nil, afterSeq: after, limit: 5_000))
                trades += page.trades
                guard page.trades.count == 5_000, let last = page.trades.last else { break }
                after = last.seq
            }
            try printJSON(TradeList(trades: trades))
        }
    }
}
