import Foundation
import GridProtocol

/// The matching service's methods and events. State-changing methods are signed.
public enum MatchingAPI {
    public static let createOrder = Method<CreateOrderRequest, TradeOrder>("Matching/CreateOrder")
    public static let confirmOrder = Method<OrderDecision, TradeOrder>("Matching/ConfirmOrder")
    public static let rejectOrder = Method<OrderDecision, TradeOrder>("Matching/RejectOrder")
    public static let openRound = Method<OpenRoundRequest, Round>("Matching/OpenRound")
    public static let submitOffer = Method<SubmitOfferRequest, Round>("Matching/SubmitOffer")

    public static let getOrder = Method<OrderQuery, TradeOrder>("Matching/GetOrder")
    public static let listOrders = Method<OrderListQuery, OrderList>("Matching/ListOrders")
    public static let getRound = Method<RoundQuery, Round>("Matching/GetRound")
    public static let listRounds = Method<RoundListQuery, RoundList>("Matching/ListRounds")

    public static let orderCreated = EventTopic<TradeOrder>("TradeOrderCreated")
    public static let orderConfirmed = EventTopic<TradeOrder>("TradeOrderConfirmed")
    public static let orderRejected = EventTopic<TradeOrder>("TradeOrderRejected")
    public static let roundOpened = EventTopic<Round>("RoundOpened")
    public static let offerSubmitted = EventTopic<Round>("OfferSubmitted")
    public static let roundCleared = EventTopic<Round>("RoundCleared")
    public static let roundFailed = EventTopic<Round>("RoundFailed")
}

/// `Matching/CreateOrder`: the caller is the seller or the buyer; the other party confirms.
public struct CreateOrderRequest: Codable, Sendable, Equatable {
    public var seller: MemberID
    public var buyer: MemberID
    /// $/MWh, kept as sent.
    public var price: Decimal
    public var monthlySplit: [MonthlyEnergy]

    public init(seller: MemberID, buyer: MemberID, price: Decimal, monthlySplit: [MonthlyEnergy]) {
        self.seller = seller
        self.buyer = buyer
        self.price = price
        self.monthlySplit = monthlySplit
    }

    /// For the ledger side's tests, which hold member ids as strings (`MemberSigner.memberID`).
    @_disfavoredOverload
    public init(seller: String, buyer: String, price: Decimal, monthlySplit: [MonthlyEnergy]) {
        self.init(seller: MemberID(seller), buyer: MemberID(buyer), price: price, monthlySplit: monthlySplit)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seller = try container.decode(MemberID.self, forKey: .seller)
        buyer = try container.decode(MemberID.self, forKey: .buyer)
        price = try container.decodePrice(forKey: .price)
        monthlySplit = try container.decode([MonthlyEnergy].self, forKey: .monthlySplit)
    }

    enum CodingKeys: String, CodingKey {
        case seller, buyer, price
        case monthlySplit = "monthly_split"
    }
}

public struct OrderDecision: Codable, Sendable, Equatable {
    public var orderId: OrderID
    /// Required to reject.
    public var reason: String?

    public init(orderId: OrderID, reason: String? = nil) {
        self.orderId = orderId
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case orderId = "order_id"
    }
}

/// `Matching/OpenRound`: a consumer opens a round on its published demand for the month.
public struct OpenRoundRequest: Codable, Sendable, Equatable {
    public var month: DeliveryMonth
    /// How long generators may offer, in milliseconds (1 s to 7 days).
    public var durationMs: Int64
    /// `paper` when absent.
    public var pricing: RoundPricing?
    /// The demand the consumer buys, MWh, and the most it pays, $/MWh: its published demand for
    /// the month, repeated here so that its signature covers what the round buys (the review
    /// re-runs the game from this and the signed offers).
    public var demandMwh: Double
    public var maxPrice: Decimal

    public init(month: DeliveryMonth, durationMs: Int64, pricing: RoundPricing? = nil, demandMwh: Double, maxPrice: Decimal) {
        self.month = month
        self.durationMs = durationMs
        self.pricing = pricing
        self.demandMwh = demandMwh
        self.maxPrice = maxPrice
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        month = try container.decode(DeliveryMonth.self, forKey: .month)
        durationMs = try container.decode(Int64.self, forKey: .durationMs)
        pricing = try container.decodeIfPresent(RoundPricing.self, forKey: .pricing)
        demandMwh = try container.decode(Double.self, forKey: .demandMwh)
        maxPrice = try container.decodePrice(forKey: .maxPrice)
    }

    enum CodingKeys: String, CodingKey {
        case month, pricing
        case durationMs = "duration_ms"
        case demandMwh = "demand_mwh"
        case maxPrice = "max_price"
    }
}

/// `Matching/SubmitOffer`: a generator offers into an open round (again to replace its offer).
public struct SubmitOfferRequest: Codable, Sendable, Equatable {
    public var roundId: RoundID
    public var minMwh: Double
    public var maxMwh: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double

    public init(roundId: RoundID, minMwh: Double, maxMwh: Double, a: Double, b: Double, c: Double, k: Double) {
        self.roundId = roundId
        self.minMwh = minMwh
        self.maxMwh = maxMwh
        self.a = a
        self.b = b
        self.c = c
        self.k = k
    }

    enum CodingKeys: String, CodingKey {
        case a, b, c, k
        case roundId = "round_id"
        case minMwh = "min_mwh"
        case maxMwh = "max_mwh"
    }
}

public struct OrderQuery: Codable, Sendable {
    public var orderId: OrderID

    public init(orderId: OrderID) { self.orderId = orderId }

    enum CodingKeys: String, CodingKey { case orderId = "order_id" }
}

public struct OrderListQuery: Codable, Sendable {
    public var member: MemberID?
    public var status: TradeOrderStatus?
    public var month: DeliveryMonth?

    public init(member: MemberID? = nil, status: TradeOrderStatus? = nil, month: DeliveryMonth? = nil) {
        self.member = member
        self.status = status
        self.month = month
    }
}

public struct OrderList: Codable, Sendable {
    public var orders: [TradeOrder]

    public init(orders: [TradeOrder]) { self.orders = orders }
}

public struct RoundQuery: Codable, Sendable {
    public var roundId: RoundID

    public init(roundId: RoundID) { self.roundId = roundId }

    enum CodingKeys: String, CodingKey { case roundId = "round_id" }
}

/// Rounds, optionally of one consumer, status and month; offers sealed while open.
public struct RoundListQuery: Codable, Sendable {
    public var consumer: MemberID?
    public var status: RoundStatus?
    public var month: DeliveryMonth?

    public init(consumer: MemberID? = nil, status: RoundStatus? = nil, month: DeliveryMonth? = nil) {
        self.consumer = consumer
        self.status = status
        self.month = month
    }
}

public struct RoundList: Codable, Sendable {
    public var rounds: [Round]

    public init(rounds: [Round]) { self.rounds = rounds }
}
