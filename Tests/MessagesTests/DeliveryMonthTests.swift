import Foundation
import Messages
import Testing

@Suite("Delivery months")
struct DeliveryMonthTests {
    @Test("a month is four digits, a dash and 01 to 12; anything else is not", arguments: [
        ("2026-12", true), ("0000-01", true), ("9999-12", true), ("2027-02", true),
        ("2026-13", false), ("2026-00", false), ("2026-1", false), ("26-12", false), ("2026/12", false), ("2026-12-01", false),
        ("", false), ("abcd-ef", false), (" 2026-12", false), ("2026-12 ", false), ("+026-12", false), ("٢٠٢٦-١٢", false),
    ])
    func validity(month: String, valid: Bool) {
        #expect(DeliveryMonth(month).isValid == valid)
        #expect(Months.isValid(month) == valid)
    }

    @Test("hours: 24 a day, February 29 days in a leap year (every fourth, not centuries unless by 400)")
    func hours() {
        #expect(DeliveryMonth("2027-01").hours == 744)
        #expect(DeliveryMonth("2026-04").hours == 720)
        #expect(DeliveryMonth("2027-02").hours == 672)
        #expect(DeliveryMonth("2028-02").hours == 696)
        #expect(DeliveryMonth("2000-02").hours == 696)
        #expect(DeliveryMonth("2100-02").hours == 672)
        #expect(DeliveryMonth("2026-13").hours == 0 && DeliveryMonth("soon").hours == 0)
    }

    @Test("a month starts at its first midnight, UTC")
    func start() {
        #expect(DeliveryMonth("1970-01").startMs == 0)
        #expect(DeliveryMonth("2026-12").startMs == 1_796_083_200_000)
        #expect(DeliveryMonth("2027-01").startMs == 1_798_761_600_000)
        #expect(DeliveryMonth("2028-02").startMs == 1_832_976_000_000)
        #expect(DeliveryMonth("2026-13").startMs == nil)
        // The next month starts where this one's hours end.
        let december = DeliveryMonth("2026-12")
        #expect(december.startMs.map { $0 + Int64(december.hours) * 3_600_000 } == december.next?.startMs)
    }

    @Test("the next month: within a year, across a new year, none after 9999-12 or for a non-month")
    func next() {
        #expect(DeliveryMonth("2026-09").next == "2026-10")
        #expect(DeliveryMonth("2026-12").next == "2027-01")
        #expect(DeliveryMonth("2028-02").next == "2028-03")
        #expect(DeliveryMonth("9999-12").next == nil)
        #expect(DeliveryMonth("2026-13").next == nil)
        #expect(DeliveryMonth(year: 2027, month: 3) == "2027-03" && DeliveryMonth(year: 7, month: 11) == "0007-11")
        #expect(DeliveryMonth(year: 2027, month: 13) == nil && DeliveryMonth(year: 10_000, month: 1) == nil)
    }

    @Test("the month an instant falls in, UTC")
    func containing() {
        #expect(DeliveryMonth(containing: Date(timeIntervalSince1970: 0)) == "1970-01")
        // 2027-01-31T23:59:59Z, then a second later.
        #expect(DeliveryMonth(containing: Date(timeIntervalSince1970: 1_801_439_999)) == "2027-01")
        #expect(DeliveryMonth(containing: Date(timeIntervalSince1970: 1_801_440_000)) == "2027-02")
    }

    @Test("months order as the calendar does")
    func order() {
        #expect(DeliveryMonth("2026-12") < DeliveryMonth("2027-01"))
        #expect(["2027-02", "2026-12", "2027-01"].map(DeliveryMonth.init).sorted() == ["2026-12", "2027-01", "2027-02"])
    }

    struct Holder: Codable, Equatable {
        var month: DeliveryMonth
        var byMonth: [DeliveryMonth: Double]
    }

    @Test("a plain string on the wire, a map by month a JSON object; any string decodes, for the rules to judge and name")
    func wire() throws {
        let holder = Holder(month: "2027-01", byMonth: ["2027-01": 744])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(holder), as: UTF8.self)
        #expect(json == #"{"byMonth":{"2027-01":744},"month":"2027-01"}"#)
        #expect(try JSONDecoder().decode(Holder.self, from: Data(json.utf8)) == holder)
        // Not a month, but a string: it decodes, and `isValid` (the rules' check) says no.
        let odd = try JSONDecoder().decode(Holder.self, from: Data(#"{"month":"2026-13","byMonth":{}}"#.utf8))
        #expect(odd.month == "2026-13" && !odd.month.isValid)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"month":202612,"byMonth":{}}"#.utf8)) }
    }
}
