import Foundation

/// Delivery months, `YYYY-MM`, and their length in hours (UTC).
public enum Months {
    /// Checked by hand, not by a regex: every contract check runs it, and a regex is built per call.
    public static func isValid(_ month: String) -> Bool {
        let bytes = Array(month.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-") else { return false }
        let digits = bytes[0..<4] + bytes[5..<7]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        let number = Int(bytes[5] - UInt8(ascii: "0")) * 10 + Int(bytes[6] - UInt8(ascii: "0"))
        return (1...12).contains(number)
    }

    /// The first instant of the month (UTC), in Unix milliseconds.
    public static func startMs(_ month: String) -> Int64? {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard isValid(month), parts.count == 2 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)) else { return nil }
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    public static func hours(_ month: String) -> Double {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return 0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)),
              let days = calendar.range(of: .day, in: .month, for: date)?.count else { return 0 }
        return Double(days * 24)
    }
}
