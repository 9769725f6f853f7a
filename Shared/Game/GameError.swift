/// Why a game cannot be solved. Each `description` is one line naming the generator and field.
public enum GameError: Error, Equatable, CustomStringConvertible {
    case noGenerators
    /// Position (0-based) of the generator with an empty id.
    case emptyID(index: Int)
    case duplicateID(String)
    /// A NaN or infinite parameter.
    case notFinite(id: String, field: String, value: Double)
    case negativePmin(id: String, pmin: Double)
    case pminNotBelowPmax(id: String, pmin: Double, pmax: Double)
    case kNotAboveOne(id: String, k: Double)
    case aNotPositive(id: String, a: Double)
    case demandNotFinite(Double)
    case demandNotPositive(Double)
    /// No coalition S has Σ pmin ≤ D ≤ Σ pmax.
    case demandUnreachable(demand: Double)
    /// `solve(.exact)` lists all 2^n − 1 coalitions, so n is capped (`CooperativeGame.exactHardLimit`).
    case tooManyForExact(count: Int, limit: Int)
    /// Fewer than 2 permutations (no spread can be measured), or a target that is not a positive number.
    case badSampling(String)

    public var description: String {
        switch self {
        case .noGenerators: "no generators"
        case .emptyID(let index): "generator #\(index + 1): id is empty"
        case .duplicateID(let id): "generator \(id): id appears more than once"
        case .notFinite(let id, let field, let value): "generator \(id): \(field) (\(value)) is not a finite number"
        case .negativePmin(let id, let pmin): "generator \(id): pmin (\(pmin)) must not be negative"
        case .pminNotBelowPmax(let id, let pmin, let pmax): "generator \(id): pmin (\(pmin)) must be less than pmax (\(pmax))"
        case .kNotAboveOne(let id, let k): "generator \(id): k (\(k)) must be greater than 1"
        case .aNotPositive(let id, let a): "generator \(id): a (\(a)) must be greater than 0"
        case .demandNotFinite(let d): "demand (\(d)) is not a finite number"
        case .demandNotPositive(let d): "demand (\(d)) must be greater than 0"
        case .demandUnreachable(let d): "demand \(d) MWh is out of every coalition's reach: no set of generators has sum of pmin <= \(d) <= sum of pmax"
        case .tooManyForExact(let count, let limit): "\(count) generators: the exact method lists all 2^n - 1 coalitions and is limited to \(limit) generators"
        case .badSampling(let why): why
        }
    }
}
