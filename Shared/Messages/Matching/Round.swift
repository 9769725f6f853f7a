import Foundation

/// How a round's clearing price is found (SPEC.md section 4).
public enum RoundPricing: String, Codable, Sendable, CaseIterable {
    /// The paper's rule (the default).
    case paper
    /// One price at which the bids meet the demand.
    case uniform
}

public enum RoundStatus: String, Codable, Sendable, CaseIterable {
    /// Taking offers until its deadline.
    case open
    /// The game ran: trade orders for the best coalition and the Shapley split.
    case cleared
    /// No offers, no coalition that can serve the demand, or a price above the consumer's limit.
    case failed
}

/// A generator's offer in a round (SPEC.md section 4): how much energy it can deliver in the
/// round's month and its cost and bid coefficients.
public struct RoundOffer: Codable, Sendable, Equatable {
    public var generator: MemberID
    public var minMwh: Double
    public var maxMwh: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double
    public var submittedAtMs: Int64
    /// The generator's signed `Matching/SubmitOffer`, evidence for the review.
    public var signature: PartySignature?

    public init(generator: MemberID, minMwh: Double, maxMwh: Double, a: Double, b: Double, c: Double, k: Double, submittedAtMs: Int64) {
        self.generator = generator
        self.minMwh = minMwh
        self.maxMwh = maxMwh
        self.a = a
        self.b = b
        self.c = c
        self.k = k
        self.submittedAtMs = submittedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case generator, a, b, c, k, signature
        case minMwh = "min_mwh"
        case maxMwh = "max_mwh"
        case submittedAtMs = "submitted_at_ms"
    }
}

/// What a cleared round decided.
public struct RoundOutcome: Codable, Sendable, Equatable {
    /// $/MWh, the game's price rounded half-even to $0.0001/MWh (`Price.rounded`).
    public var clearingPrice: Decimal
    public var pricing: RoundPricing
    /// The generators of the best coalition and their MWh.
    public var outputs: [MemberID: Double]
    /// v(S*), the value of the coalition that serves; exactly the sum of `shapley`.
    public var coalitionValue: Double
    /// What settlement pays out: each offer's Shapley value in the game among the serving
    /// coalition S* alone, exactly 0 for an offer outside it (SPEC.md section 4).
    public var shapley: [MemberID: Double]
    public var orderIds: [OrderID]
    /// When the shares were sampled (S* of more than 20 offers): each offer's 95% half-width and
    /// the permutations sampled; absent when exact.
    public var shapleyHalfWidth95: [MemberID: Double]?
    public var shapleySamples: Int?

    public init(
        clearingPrice: Decimal, pricing: RoundPricing, outputs: [MemberID: Double], coalitionValue: Double, shapley: [MemberID: Double],
        orderIds: [OrderID], shapleyHalfWidth95: [MemberID: Double]? = nil, shapleySamples: Int? = nil
    ) {
        self.clearingPrice = clearingPrice
        self.pricing = pricing
        self.outputs = outputs
        self.coalitionValue = coalitionValue
        self.shapley = shapley
        self.orderIds = orderIds
        self.shapleyHalfWidth95 = shapleyHalfWidth95
        self.shapleySamples = shapleySamples
    }

    enum CodingKeys: String, CodingKey {
        case pricing, outputs, shapley
        case clearingPrice = "clearing_price"
        case coalitionValue = "coalition_value"
        case orderIds = "order_ids"
        case shapleyHalfWidth95 = "shapley_half_width_95"
        case shapleySamples = "shapley_samples"
    }
}

/// A multilateral round: one consumer's demand for a month, met by several generators together.
public struct Round: Codable, Sendable, Equatable {
    /// The round as `viewer` may see it (nil: anyone): offers sealed while it is open.
    public func sealed(for viewer: MemberID? = nil) -> Round {
        guard status == .open else { return self }
        var view = self
        view.offers = offers.filter { $0.generator == viewer }
        return view
    }

    public var id: RoundID
    public var consumer: MemberID
    public var month: DeliveryMonth
    public var demandMwh: Double
    /// $/MWh: the consumer's demand's `max_price`; the clearing price may not exceed it.
    public var maxPrice: Decimal
    public var pricing: RoundPricing
    public var deadlineMs: Int64
    public var status: RoundStatus
    /// Sealed while the round is open: a generator sees only its own offer, others none, so no
    /// one bids against a rival's costs. All are shown once the round has closed.
    public var offers: [RoundOffer]
    /// How many generators have offered.
    public var offerCount: Int
    public var outcome: RoundOutcome?
    public var reason: String?
    public var openedAtMs: Int64
    /// The consumer's signed `Matching/OpenRound`, evidence for the review.
    public var openedBy: PartySignature?

    public init(id: RoundID, consumer: MemberID, month: DeliveryMonth, demandMwh: Double, maxPrice: Decimal, pricing: RoundPricing, deadlineMs: Int64,
                status: RoundStatus, offers: [RoundOffer], outcome: RoundOutcome? = nil, reason: String? = nil, openedAtMs: Int64) {
        self.id = id
        self.consumer = consumer
        self.month = month
        self.demandMwh = demandMwh
        self.maxPrice = maxPrice
        self.pricing = pricing
        self.deadlineMs = deadlineMs
        self.status = status
        self.offers = offers
        offerCount = offers.count
        self.outcome = outcome
        self.reason = reason
        self.openedAtMs = openedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case id, consumer, month, pricing, status, offers, outcome, reason
        case offerCount = "offer_count"
        case demandMwh = "demand_mwh"
        case maxPrice = "max_price"
        case deadlineMs = "deadline_ms"
        case openedAtMs = "opened_at_ms"
        case openedBy = "opened_by"
    }
}
