import ArgumentParser
import Bus
import Foundation
import Messages

/// `gridtrade order ...`: bilateral trade orders at the matching service.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Bilateral trade orders: create, confirm or reject (signed by a party), list, show with their pipeline stage, list by stage.",
        subcommands: [Create.self, Confirm.self, Reject.self, List.self, Show.self, Trades.self]
    )

    struct MatchingOptions: ParsableArguments {
        @Option(help: "The matching service's RPC endpoint (default: $GRIDTRADE_MATCHING, else tcp://127.0.0.1:7111).")
        var matching: String?

        var endpoint: String { matching ?? ProcessInfo.processInfo.environment["GRIDTRADE_MATCHING"] ?? "tcp://127.0.0.1:7111" }
    }

    /// Calls matching and prints the reply as JSON; a refusal prints its code and exits 1.
    static func send<Request, Response: Encodable>(
        _ options: MatchingOptions, _ method: Method<Request, Response>, _ request: Request, signer: (any RequestSigner)? = nil
    ) async throws {
        try await printReply(endpoint: options.endpoint, method, request, signer: signer, deadline: .seconds(30))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "As the seller or the buyer, open a trade order; the other party confirms it.")

        @Option(help: "The selling generator (member id).") var seller: String
        @Option(help: "The buying consumer (member id).") var buyer: String
        @Option(help: "Price, $/MWh.", transform: PriceArgument.parse) var price: Decimal
        @Option(help: "Energy for one delivery month, MONTH=MWh (e.g. 2027-01=100); repeat for more months.") var month: [String]
        @OptionGroup var signing: SigningOptions
        @OptionGroup var options: MatchingOptions

        func run() async throws {
            let split = try month.map { entry -> MonthlyEnergy in
                let parts = entry.split(separator: "=")
                guard parts.count == 2, let mwh = Double(parts[1]) else { throw ValidationError("--month takes MONTH=MWh, not '\(entry)'") }
                return MonthlyEnergy(month: DeliveryMonth(String(parts[0])), mwh: mwh)
            }
            let request = CreateOrderRequest(seller: MemberID(seller), buyer: MemberID(buyer), price: price, monthlySplit: split)
            try await send(options, MatchingAPI.createOrder, request, signer: signing.signer())
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "As the counterparty, confirm an open trade order.")
        @Argument(help: "The order id.") var order: String
        @OptionGroup var signing: SigningOptions
        @OptionGroup var options: MatchingOptions
        func run() async throws { try await send(options, MatchingAPI.confirmOrder, OrderDecision(orderId: OrderID(order)), signer: signing.signer()) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "As the counterparty, reject an open trade order.")
        @Argument(help: "The order id.") var order: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var signing: SigningOptions
        @OptionGroup var options: MatchingOptions
        func run() async throws { try await send(options, MatchingAPI.rejectOrder, OrderDecision(orderId: OrderID(order), reason: reason), signer: signing.signer()) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trade orders, by member, status and delivery month.")
        @Option(help: "Only orders naming this member.") var member: String?
        @Option(help: "Only orders in this status: open, confirmed, rejected.") var status: String?
        @Option(help: "Only orders delivering in this month (YYYY-MM).") var month: String?
        @OptionGroup var options: MatchingOptions
        func run() async throws {
            let parsed = try status.map { value -> TradeOrderStatus in
                guard let status = TradeOrderStatus(rawValue: value) else { throw ValidationError("--status must be open, confirmed or rejected") }
                return status
            }
            try await send(options, MatchingAPI.listOrders, OrderListQuery(member: member.map(MemberID.init), status: parsed, month: month.map(DeliveryMonth.init)))
        }
    }
}
