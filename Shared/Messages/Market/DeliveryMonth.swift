import Foundation

/// A delivery month, `YYYY-MM` in UTC: a plain JSON string on the wire.
///
/// Decoding takes any string, as it did when months were strings: the rules that read a month
/// check `isValid` and refuse a bad one naming the field and the reason (`monthly_split[0].month
/// must be a month, YYYY-MM`), which a decoding error could not. Ordering is the string's, which
/// for valid months is the calendar's.
public struct DeliveryMonth: StringValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The month `month` (1 to 12) of `year` (0 to 9999); nil outside those ranges.
    public init?(year: Int, month: Int) {
        guard (0...9999).contains(year), (1...12).contains(month) else { return nil }
        self.init(rawValue: Self.spell(year: year, month: month))
    }

    /// The month (UTC) that `instant` falls in.
    public init(containing instant: Date) {
        let parts = Self.calendar.dateComponents([.year, .month], from: instant)
        self.init(rawValue: Self.spell(year: parts.year ?? 0, month: parts.month ?? 0))
    }

    /// Year and month, if this is a month: four digits, `-`, two digits from 01 to 12. Checked by
    /// hand, not by a regex: every contract check runs it, and a regex is built per call.
    public var components: (year: Int, month: Int)? {
        let bytes = Array(rawValue.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-") else { return nil }
        let digits = bytes[0..<4] + bytes[5..<7]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let number = { (range: Range<Int>) in bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        let month = number(5..<7)
        guard (1...12).contains(month) else { return nil }
        return (number(0..<4), month)
    }

    public var isValid: Bool { components != nil }

    /// The first instant of the month (UTC), in Unix milliseconds; nil if this is not a month.
    public var startMs: Int64? {
        guard let start = firstDay else { return nil }
        return Int64(start.timeIntervalSince1970 * 1000)
    }

    /// The month's length in hours (672 to 744); 0 if this is not a month.
    public var hours: Double {
        guard let start = firstDay, let days = Self.calendar.range(of: .day, in: .month, for: start)?.count else { return 0 }
        return Double(days * 24)
    }

    /// The month after this one (`2026-12` → `2027-01`); nil if this is not a month or is `9999-12`.
    public var next: DeliveryMonth? {
        guard let (year, month) = components else { return nil }
        return month == 12 ? DeliveryMonth(year: year + 1, month: 1) : DeliveryMonth(year: year, month: month + 1)
    }

    private var firstDay: Date? {
        guard let (year, month) = components else { return nil }
        return Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    private static func spell(year: Int, month: Int) -> String {
        let digits = { (value: Int, width: Int) in
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(year, 4) + "-" + digits(month, 2)
    }
}

/// The month check for code that still holds months as strings: the ledger's queries.
public enum Months {
    public static func isValid(_ month: String) -> Bool { DeliveryMonth(rawValue: month).isValid }
}
