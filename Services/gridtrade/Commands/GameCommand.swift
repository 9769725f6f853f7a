import ArgumentParser
import Foundation
import Game

/// `gridtrade game`: the cooperative game of SPEC.md section 4 on a JSON file.
struct GameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "game",
        abstract: "Split a demand among generators: clearing price, coalition values, Shapley shares, core check, payout.",
        discussion: """
            Input, JSON (unknown fields are refused, at both levels):
              {"name"?, "demand_mwh", "pricing"?: "paper" | "uniform",
               "generators": [{"id", "a", "b", "c", "pmin", "pmax", "k"}]}

            Exact method (the default up to \(CooperativeGame.exactLimit) generators) prints
              {"clearing_price", "pricing", "coalitions", "shapley", "in_core",
               "most_violated"? (when not in the core: {"members", "violation"}), "payout"}
            where "coalitions" lists every non-empty coalition as
              {"members", "value", "feasible", "outputs": {id: MW}}
            (infeasible: value 0, feasible false, outputs {}).

            "shapley" is the game among all generators (it shares v(N)). "payout" is
            what a round pays: the coalition that serves, S* (greatest value; ties
            within 1e-9 relative go to fewer members, then to the earlier generators),
            plays the game among itself alone:
              {"coalition": [ids of S*], "value": v(S*), "shares": {id: share}}
            with a share for every generator, 0 outside S*. Its numbers are printed
            in full: v(S*) is rounded to a power-of-two grid (a few units in the last
            place) on which the shares add up to "value" exactly, in any order.
            When S* has more than \(CooperativeGame.exactLimit) members the shares are sampled
            (same --samples/--target/--seed) and "payout" adds "half_width_95"
            {id: 95% half-width, 0 outside S*} and "samples".

            Sampled (--samples N, and/or --target): Shapley values from seeded
            random permutations. "coalitions" holds only the best coalition found
            (who serves the demand), "shapley_half_width_95" gives each share's 95%
            confidence half-width, "samples" the permutations used, and "in_core"
            is null: the core check needs every coalition's value, which sampling
            never computes. Up to \(CooperativeGame.exactLimit) generators S* is still found
            exactly; above, by a local search from the best coalitions met.

            Above \(CooperativeGame.exactLimit) generators the exact method (2^n coalitions) runs only
            with --exact (at most \(CooperativeGame.exactHardLimit)); otherwise pass --samples or --target.
            Bad input: exit status 1, one line on stderr, nothing on stdout.
            """
    )

    @Option(help: "The game's JSON file.")
    var input: String

    @Option(help: "paper or uniform (default: the input's \"pricing\", else paper).")
    var pricing: String?

    @Option(help: "Sample this many random permutations instead of the exact method (with --target: the cap).")
    var samples: Int?

    @Option(help: "Seed of the permutations (the same seed gives the same numbers).")
    var seed: UInt64 = 1

    @Option(help: "Sample until every 95% half-width <= this fraction of |v(N)|/n (e.g. 0.01), or --samples (default 1000000) permutations.")
    var target: Double?

    @Flag(help: "Use the exact method above \(CooperativeGame.exactLimit) generators.")
    var exact = false

    func run() throws {
        do {
            var json = try output()
            json.flush()
        } catch let error as GameCommandError {
            printError("game: \(error.description)")
            throw ExitCode(1)
        } catch let error as GameError {
            printError("game: \(error.description)")
            throw ExitCode(1)
        }
    }

    /// Solves, then returns the JSON still to flush; nothing reaches stdout before every check passed.
    func output() throws -> JSONText {
        let game = try GameInput.load(input)
        let chosen: Pricing
        if let pricing {
            guard let parsed = Pricing(rawValue: pricing) else { throw GameCommandError("--pricing must be paper or uniform, not \"\(pricing)\"") }
            chosen = parsed
        } else {
            chosen = game.pricing ?? .paper
        }
        if exact && (samples != nil || target != nil) { throw GameCommandError("--exact cannot be combined with --samples or --target") }
        if let target, !(target > 0 && target.isFinite) { throw GameCommandError("--target (\(target)) must be a positive number") }
        let count = game.generators.count
        if samples == nil && target == nil && !exact && count > CooperativeGame.exactLimit {
            throw GameCommandError("\(count) generators: the exact method (2^n coalitions) is limited to \(CooperativeGame.exactLimit) without --exact; pass --samples N to sample Shapley values")
        }
        let exactMethod = samples == nil && target == nil
        var json = JSONText()
        json.open(UInt8(ascii: "{"))
        if exactMethod {
            let result = try CooperativeGame.solve(game.generators, demand: game.demand, pricing: chosen, method: .exact)
            json.header(result)
            json.key("shapley"); json.shares(result.shapley.values, order: game.generators)
            json.key("in_core"); json.raw(result.core.map { $0.inCore ? "true" : "false" } ?? "null")
            if let core = result.core, let members = core.mostViolated, let violation = core.violation {
                json.key("most_violated"); json.open(UInt8(ascii: "{"))
                json.key("members"); json.strings(members)
                json.key("violation"); json.number(violation)
                json.close(UInt8(ascii: "}"))
            }
            json.key("payout"); json.payout(result.payout, order: game.generators)
        } else {
            let plan = target.map { SamplingPlan(target: $0, maxSamples: samples ?? 1_000_000, seed: seed) }
                ?? SamplingPlan(samples: samples!, seed: seed)
            let result = try CooperativeGame.solve(game.generators, demand: game.demand, pricing: chosen, sampling: plan)
            json.header(result)
            json.key("shapley"); json.shares(result.shapley.values, order: game.generators)
            json.key("shapley_half_width_95"); json.shares(result.shapley.halfWidth95 ?? [:], order: game.generators)
            json.key("samples"); json.raw(String(result.shapley.samples ?? 0))
            json.key("in_core"); json.raw("null")
            json.key("payout"); json.payout(result.payout, order: game.generators)
        }
        json.close(UInt8(ascii: "}"))
        json.newline()
        return json
    }
}

/// A one-line problem with the command line or the input file.
struct GameCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The input file: {"name"?, "demand_mwh", "pricing"?, "generators": [...]}, nothing else.
struct GameInput: Decodable {
    var name: String?
    var demand: Double
    var pricing: Pricing?
    var generators: [GameGenerator]

    static func load(_ path: String) throws -> GameInput {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw GameCommandError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(GameInput.self, from: data)
        } catch let error as GameCommandError {
            throw GameCommandError("\(path): \(error.description)")
        } catch let error as DecodingError {
            throw GameCommandError("\(path): \(Self.describe(error))")
        }
    }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: FieldKey.self)
        try FieldKey.refuseUnknown(keys, allowed: ["name", "demand_mwh", "pricing", "generators"])
        name = try keys.decodeIfPresent(String.self, forKey: FieldKey("name"))
        demand = try keys.decode(Double.self, forKey: FieldKey("demand_mwh"))
        if let text = try keys.decodeIfPresent(String.self, forKey: FieldKey("pricing")) {
            guard let parsed = Pricing(rawValue: text) else { throw GameCommandError("pricing must be \"paper\" or \"uniform\", not \"\(text)\"") }
            pricing = parsed
        }
        generators = try keys.decode([StrictGenerator].self, forKey: FieldKey("generators")).map(\.generator)
    }

    /// One generator; unknown fields refused.
    struct StrictGenerator: Decodable {
        var generator: GameGenerator

        init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: FieldKey.self)
            try FieldKey.refuseUnknown(keys, allowed: ["id", "a", "b", "c", "pmin", "pmax", "k"])
            func number(_ name: String) throws -> Double { try keys.decode(Double.self, forKey: FieldKey(name)) }
            generator = GameGenerator(id: try keys.decode(String.self, forKey: FieldKey("id")), a: try number("a"), b: try number("b"),
                                      c: try number("c"), pmin: try number("pmin"), pmax: try number("pmax"), k: try number("k"))
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "the top level" : text
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\(path(context.codingPath + [key])) is missing"
        case .valueNotFound(_, let context): "\(path(context.codingPath)) is null"
        case .typeMismatch(let type, let context): "\(path(context.codingPath)) must be \(typeName(type))"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "not valid JSON"
        case .dataCorrupted(let context): "\(path(context.codingPath)) is not valid"
        @unknown default: "not a valid game"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        if type == Double.self { return "a number" }
        if type == String.self { return "a string" }
        if type is any Collection.Type { return "a list" }
        return "an object"
    }
}

/// Any JSON field name, to see every key an object has.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static func refuseUnknown(_ container: KeyedDecodingContainer<FieldKey>, allowed: Set<String>) throws {
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            let place = GameInput.path(container.codingPath)
            throw GameCommandError("unknown field \"\(unknown)\" in \(place) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// JSON written by hand, as bytes, to stdout in 1 MB pieces: the coalition list of an exact game
/// can hold millions of entries.
struct JSONText {
    private var bytes: [UInt8] = []
    private var needsComma = [false]

    init() { bytes.reserveCapacity(1 << 20) }

    mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma.append(false)
    }

    mutating func close(_ bracket: UInt8) {
        needsComma.removeLast()
        bytes.append(bracket)
        if bytes.count >= 1 << 20 { flush() }
    }

    mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func raw(_ literal: String) {
        separate()
        bytes.append(contentsOf: literal.utf8)
    }

    /// At most 12 significant digits: the solutions carry rounding noise near 1e-13 (60.000000000000014).
    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        guard value != 0 else { return raw("0") }
        let exponent = Int((log10(abs(value))).rounded(.down))
        let shift = 11 - exponent
        let rounded = shift >= 0
            ? (value * pow(10, Double(shift))).rounded() / pow(10, Double(shift))
            : (value / pow(10, Double(-shift))).rounded() * pow(10, Double(-shift))
        var text = rounded.isFinite ? "\(rounded)" : "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }

    /// The shortest text that reads back as the same double: the payout's shares must add up to
    /// its value exactly, which 12 digits would lose.
    mutating func exactNumber(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        var text = "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }

    mutating func string(_ value: String) {
        separate()
        quoted(value)
    }

    private mutating func quoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0..<0x20: bytes.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        open(UInt8(ascii: "["))
        for value in values { string(value) }
        close(UInt8(ascii: "]"))
    }

    /// {id: number} in the generators' order.
    mutating func shares(_ values: [String: Double], order: [GameGenerator]) {
        open(UInt8(ascii: "{"))
        for g in order { if let value = values[g.id] { key(g.id); number(value) } }
        close(UInt8(ascii: "}"))
    }

    /// {"coalition", "value", "shares", "half_width_95"?, "samples"?}, every generator in the
    /// shares (and half-widths), in the input's order.
    mutating func payout(_ payout: Payout, order: [GameGenerator]) {
        open(UInt8(ascii: "{"))
        key("coalition"); strings(payout.coalition)
        key("value"); exactNumber(payout.value)
        key("shares"); open(UInt8(ascii: "{"))
        for g in order { key(g.id); exactNumber(payout.shares[g.id] ?? 0) }
        close(UInt8(ascii: "}"))
        if let widths = payout.halfWidth95 {
            key("half_width_95"); open(UInt8(ascii: "{"))
            for g in order { key(g.id); number(widths[g.id] ?? 0) }
            close(UInt8(ascii: "}"))
        }
        if let samples = payout.samples { key("samples"); raw(String(samples)) }
        close(UInt8(ascii: "}"))
    }

    mutating func header(_ result: GameResult) {
        key("clearing_price"); number(result.clearingPrice)
        key("pricing"); string(result.pricing.rawValue)
        key("coalitions"); open(UInt8(ascii: "["))
        for coalition in result.coalitions {
            open(UInt8(ascii: "{"))
            key("members"); strings(coalition.members)
            key("value"); number(coalition.value)
            key("feasible"); raw(coalition.feasible ? "true" : "false")
            key("outputs"); open(UInt8(ascii: "{"))
            for id in coalition.members { if let mw = coalition.outputs[id] { key(id); number(mw) } }
            close(UInt8(ascii: "}"))
            close(UInt8(ascii: "}"))
        }
        close(UInt8(ascii: "]"))
    }

    mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }
}
