import Foundation

/// A generator's plan for one delivery month: the MW it can make available and its cost and bid
/// parameters for that month.
public struct GenerationPlan: Codable, Sendable, Equatable {
    public var memberId: MemberID
    public var month: DeliveryMonth
    public var minMw: Double
    public var maxMw: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double
    public var publishedAtMs: Int64

    public init(memberId: MemberID, month: DeliveryMonth, minMw: Double, maxMw: Double, a: Double, b: Double, c: Double, k: Double, publishedAtMs: Int64) {
        self.memberId = memberId
        self.month = month
        self.minMw = minMw
        self.maxMw = maxMw
        self.a = a
        self.b = b
        self.c = c
        self.k = k
        self.publishedAtMs = publishedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case month, a, b, c, k
        case memberId = "member_id"
        case minMw = "min_mw"
        case maxMw = "max_mw"
        case publishedAtMs = "published_at_ms"
    }
}

/// A consumer's demand for one delivery month.
public struct Demand: Codable, Sendable, Equatable {
    public var memberId: MemberID
    public var month: DeliveryMonth
    public var mwh: Double
    /// The highest price it will pay, $/MWh.
    public var maxPrice: Decimal
    public var publishedAtMs: Int64

    public init(memberId: MemberID, month: DeliveryMonth, mwh: Double, maxPrice: Decimal, publishedAtMs: Int64) {
        self.memberId = memberId
        self.month = month
        self.mwh = mwh
        self.maxPrice = maxPrice
        self.publishedAtMs = publishedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case month, mwh
        case memberId = "member_id"
        case maxPrice = "max_price"
        case publishedAtMs = "published_at_ms"
    }
}
