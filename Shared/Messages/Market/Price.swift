import Foundation

/// Prices are dollars per MWh, held as `Decimal` and written as a JSON number. What members send
/// (an order's price, a demand's `max_price`) is kept as they spelled it; what the market computes
/// (a round's clearing price, from the game's Double arithmetic) is rounded here, once, to the
/// market's tick (docs/protocol.md, "Rounds").
public enum Price {
    /// The tick: $0.0001/MWh.
    public static let decimalPlaces = 4

    /// A price the game computed in Double, as the market records it: the Double's shortest decimal
    /// spelling (what it prints as), rounded half-even to `decimalPlaces` places. The paper's
    /// clearing price, 14.159999999999998 in Double, is 14.16. Nil if not finite.
    public static func rounded(_ value: Double) -> Decimal? {
        guard value.isFinite, var exact = Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, decimalPlaces, .bankers)
        return rounded
    }

    /// A price as a Double, for the arithmetic that stays in Double (energy, the contract's terms).
    /// Read back from the decimal spelling, so the Double is the one nearest the price.
    public static func double(_ value: Decimal) -> Double { Double(value.description) ?? NSDecimalNumber(decimal: value).doubleValue }

    /// A Double price (the contract's terms, which keep Double for the ledger) as a Decimal, by its
    /// shortest decimal spelling, unrounded: 14.16 is 14.16, not 14.1599999999999997868371792719699442386627197265625.
    public static func decimal(_ value: Double) -> Decimal {
        guard value.isFinite else { return .nan }
        return Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) ?? .nan
    }
}

extension KeyedDecodingContainer {
    /// A price a member sent. A JSON number beyond `Decimal`'s range (above about 3.4e165, or a
    /// non-zero one below 1e-128 in size) does not decode as `Decimal`; such a number decoded as a
    /// Double before, and reached the rule that names the field and its range. It still does: it
    /// becomes the largest or the smallest Decimal of its sign, which the rule judges as before.
    func decodePrice(forKey key: Key) throws -> Decimal {
        if let price = try? decode(Decimal.self, forKey: key) { return price }
        let value = try decode(Double.self, forKey: key)
        let magnitude: Decimal = abs(value) >= 1 ? .greatestFiniteMagnitude : .leastNonzeroMagnitude
        return value < 0 ? -magnitude : value == 0 ? 0 : magnitude
    }
}
