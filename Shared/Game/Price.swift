extension CooperativeGame {
    /// The one clearing price of the game (SPEC.md section 4), after validating the input.
    public static func clearingPrice(_ generators: [GameGenerator], demand: Double, pricing: Pricing) throws(GameError) -> Double {
        try validate(generators, demand: demand)
        return price(generators, demand: demand, pricing: pricing)
    }

    /// The price for valid input.
    static func price(_ generators: [GameGenerator], demand: Double, pricing: Pricing) -> Double {
        switch pricing {
        case .paper: paperPrice(generators, demand: demand)
        case .uniform: uniformPrice(generators, demand: demand)
        }
    }

    /// max_i r_i(min(pmin_i + x, pmax_i)) with x = max(0, D − Σ pmin) over all the generators.
    ///
    /// pmin_i + x is the most unit i can be asked for in any dispatch of D (the others at their
    /// minimum), so this is the highest bid any unit can make while serving D.
    static func paperPrice(_ generators: [GameGenerator], demand: Double) -> Double {
        let x = max(0, demand - generators.reduce(0) { $0 + $1.pmin })
        return generators.map { $0.bid(at: min($0.pmin + x, $0.pmax)) }.max() ?? 0
    }

    /// The lowest π with Σ_i clamp(p_i(π), pmin_i, pmax_i) ≥ D, where r_i(p_i(π)) = π, i.e.
    /// p_i(π) = (π / k_i − b_i) / (2 a_i); floored at min_i r_i(pmin_i) when Σ pmin ≥ D.
    ///
    /// The supply is piecewise linear in π with kinks at r_i(pmin_i) and r_i(pmax_i): walking the
    /// sorted kinks gives the segment holding D and the price in it by one division. Never above the
    /// paper's price: the marginal unit i runs at most pmin_i + x, and its bid there is at most the
    /// paper's maximum.
    static func uniformPrice(_ generators: [GameGenerator], demand: Double) -> Double {
        var c = generators.reduce(0) { $0 + $1.pmin }
        let floor = generators.map { $0.bid(at: $0.pmin) }.min() ?? 0
        if c >= demand { return floor }
        var kinks: [(price: Double, unit: Int, isMax: Bool)] = []
        for (i, g) in generators.enumerated() {
            kinks.append((g.bid(at: g.pmin), i, false))
            kinks.append((g.bid(at: g.pmax), i, true))
        }
        kinks.sort { $0.price < $1.price || ($0.price == $1.price && !$0.isMax && $1.isMax) }
        var slope = 0.0
        var below = -Double.infinity
        for kink in kinks {
            if c + slope * kink.price >= demand {
                let pi = slope > 0 ? (demand - c) / slope : kink.price
                return min(max(pi, below), kink.price)
            }
            let g = generators[kink.unit]
            // A free unit supplies π / (2 a k) − b / (2 a).
            let perPrice = 1 / (2 * g.a * g.k)
            let offset = -g.b / (2 * g.a)
            if kink.isMax {
                c += g.pmax - offset; slope -= perPrice
            } else {
                c += offset - g.pmin; slope += perPrice
            }
            below = kink.price
        }
        return below
    }
}
