import Foundation

/// Delivery months, `YYYY-MM`, and their length in hours (UTC).
public enum Months {
    public static func isValid(_ month: String) -> Bool {
        month.wholeMatch(of: /[0-9]{4}-(0[1-9]|1[0-2])/) != nil
    }

    /// The first instant of the month (UTC), in Unix milliseconds.
    public static func startMs(_ month: String) -> Int64? {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard isValid(month), parts.count == 2 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)) else { return nil }
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    public static func hours(_ month: String) -> Double {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return 0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)),
              let days = calendar.range(of: .day, in: .month, for: date)?.count else { return 0 }
        return Double(days * 24)
    }
}
