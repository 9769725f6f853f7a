import Foundation

/// The ranges every service holds prices and cost curves to, so the registry and matching
/// refuse the same values with the same words.
public enum MarketLimits {
    /// $/MWh.
    public static let maxPrice: Decimal = 100_000

    /// Why a price a member sent is refused (the range is (0, `maxPrice`]); nil if it is taken.
    public static func priceProblem(_ price: Decimal) -> String? {
        guard price.isFinite, price > 0, price <= maxPrice else { return "must be in (0, \(maxPrice)] $/MWh" }
        return nil
    }

    /// A cost curve a p² + b p + c with bids k (2 a p + b): the first field out of range and why.
    public static func costCurveProblem(a: Double, b: Double, c: Double, k: Double) -> (field: String, reason: String)? {
        guard a.isFinite, a > 0, a <= 1_000 else { return ("a", "must be in (0, 1000]") }
        guard b.isFinite, abs(b) <= 1_000_000 else { return ("b", "must be a number within ±1000000") }
        guard c.isFinite, abs(c) <= 1_000_000_000 else { return ("c", "must be a number within ±1000000000") }
        guard k.isFinite, k > 1, k <= 10 else { return ("k", "must be in (1, 10]") }
        return nil
    }
}
