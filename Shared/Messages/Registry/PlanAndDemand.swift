/// A generator's offer for one delivery period: the MW it can make available and its cost and
/// bid parameters for that period.
public struct GenerationPlan: Codable, Sendable, Equatable {
    public var memberId: String
    /// A delivery month, `YYYY-MM`.
    public var period: String
    public var minMw: Double
    public var maxMw: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double
    public var publishedAtMs: Int64

    public init(memberId: String, period: String, minMw: Double, maxMw: Double, a: Double, b: Double, c: Double, k: Double, publishedAtMs: Int64) {
        self.memberId = memberId
        self.period = period
        self.minMw = minMw
        self.maxMw = maxMw
        self.a = a
        self.b = b
        self.c = c
        self.k = k
        self.publishedAtMs = publishedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case period, a, b, c, k
        case memberId = "member_id"
        case minMw = "min_mw"
        case maxMw = "max_mw"
        case publishedAtMs = "published_at_ms"
    }
}

/// A consumer's demand for one delivery period.
public struct Demand: Codable, Sendable, Equatable {
    public var memberId: String
    public var period: String
    public var mwh: Double
    /// The highest price it will pay, $/MWh.
    public var maxPrice: Double
    public var publishedAtMs: Int64

    public init(memberId: String, period: String, mwh: Double, maxPrice: Double, publishedAtMs: Int64) {
        self.memberId = memberId
        self.period = period
        self.mwh = mwh
        self.maxPrice = maxPrice
        self.publishedAtMs = publishedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case period, mwh
        case memberId = "member_id"
        case maxPrice = "max_price"
        case publishedAtMs = "published_at_ms"
    }
}
