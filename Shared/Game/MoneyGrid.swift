/// Shares that add up to their total exactly, in doubles, in any order.
///
/// Shapley shares sum to v(S*) in real arithmetic, but doubles round every addition: the computed
/// shares miss v(S*) in the last bits, and two parties adding them in different orders get
/// different totals. Integer multiples of a power of two q add without rounding as long as every
/// partial sum stays below 2^53 q. So the shares and the total are put on such a grid:
/// - q = 2^(⌊log2 M⌋ − 50) with M = Σ|x_i| + |total|, so M < 2^51 q and every partial sum of the
///   grid shares (each within a few q of x_i) is far below 2^53 q;
/// - the total becomes the nearest multiple of q (it moves by at most q/2 ≤ 2^-51 M, a few units
///   in the last place);
/// - the shares are apportioned by largest remainder: each x_i / q rounded down, then the units
///   between that and the total shared one by one, the largest fractional parts first (ties:
///   input order), every unit getting the same whole number first should there be more than one
///   round of them.
/// Each share moves by about one q plus its equal part of the rounding error Σ x_i − total.
enum MoneyGrid {
    static func apportion(_ x: [Double], total: Double) -> (shares: [Double], total: Double, quantum: Double) {
        let magnitude = x.reduce(abs(total)) { $0 + abs($1) }
        guard magnitude > 0, !x.isEmpty else {
            return (x.map { _ in 0 }, 0, .leastNonzeroMagnitude)
        }
        let exponent = max(Int(magnitude.exponent) - 50, Double.leastNonzeroMagnitude.exponent)
        let q = Double(sign: .plus, exponent: exponent, significand: 1)
        // Dividing by a power of two is exact, so x_i / q loses nothing.
        let scaled = x.map { $0 / q }
        var units = scaled.map { Int64($0.rounded(.down)) }
        let totalUnits = Int64((total / q).rounded())
        let missing = totalUnits - units.reduce(0, +)
        let count = Int64(x.count)
        // Euclidean division, so a negative remainder of units still hands out 0 ..< count extras.
        var each = missing / count
        var extra = missing % count
        if extra < 0 { extra += count; each -= 1 }
        let byRemainder = x.indices.sorted { i, j in
            let (ri, rj) = (scaled[i] - Double(units[i]), scaled[j] - Double(units[j]))
            return ri != rj ? ri > rj : i < j
        }
        for i in x.indices { units[i] += each }
        for i in byRemainder.prefix(Int(extra)) { units[i] += 1 }
        return (units.map { Double($0) * q }, Double(totalUnits) * q, q)
    }
}
