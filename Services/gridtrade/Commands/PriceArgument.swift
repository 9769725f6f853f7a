import ArgumentParser
import Foundation

/// A price on the command line, $/MWh, read as the decimal it is written as (14.16 is 14.16, not
/// the Double nearest it); anything that is not a number is refused as the option's value.
enum PriceArgument {
    static func parse(_ text: String) throws -> Decimal {
        // Swift's Double parser is strict about the whole string; Decimal's would stop at junk.
        guard Double(text) != nil, let price = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw ValidationError("'\(text)' is not a price in $/MWh")
        }
        return price
    }
}
