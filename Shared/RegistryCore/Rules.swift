import Foundation
import Messages

/// The registry's admission and publishing rules: pure checks, no storage. Every check names
/// the field it refuses, so a refused request says what to fix.
public enum Rules {
    public static let maxTextLength = 200
    public static let maxMegawatts = 100_000.0
    public static let maxBus = 1_000_000

    public static func validate(_ request: RegisterRequest) throws(RegistryError) {
        try text(request.legalName, "legal_name")
        try text(request.contact, "contact")
        try licence(request.licence)
        switch request.role {
        case .generator:
            guard let unit = request.generator else { throw .invalid(field: "generator", reason: "is required for a generator") }
            guard request.consumer == nil else { throw .invalid(field: "consumer", reason: "is only for consumers") }
            try bus(unit.bus, "generator.bus")
            try megawatts(unit.pmin, "generator.pmin", allowZero: true)
            try megawatts(unit.pmax, "generator.pmax", allowZero: false)
            guard unit.pmin < unit.pmax else { throw .invalid(field: "generator.pmax", reason: "must be greater than pmin") }
            try costAndBid(a: unit.a, b: unit.b, c: unit.c, k: unit.k, prefix: "generator.")
        case .consumer:
            guard let load = request.consumer else { throw .invalid(field: "consumer", reason: "is required for a consumer") }
            guard request.generator == nil else { throw .invalid(field: "generator", reason: "is only for generators") }
            try bus(load.bus, "consumer.bus")
            try megawatts(load.maxDemandMw, "consumer.max_demand_mw", allowZero: false)
        case .tradingCenter, .dispatchCenter, .gridCompany, .dataCenter:
            guard request.generator == nil else { throw .invalid(field: "generator", reason: "is only for generators") }
            guard request.consumer == nil else { throw .invalid(field: "consumer", reason: "is only for consumers") }
        }
    }

    public static func validate(_ request: PublishPlanRequest, for unit: GeneratorDetails) throws(RegistryError) {
        try month(request.month)
        try megawatts(request.minMw, "min_mw", allowZero: true)
        try megawatts(request.maxMw, "max_mw", allowZero: false)
        guard request.minMw <= request.maxMw else { throw .invalid(field: "max_mw", reason: "must be at least min_mw") }
        guard request.minMw >= unit.pmin else { throw .invalid(field: "min_mw", reason: "must not be below the registered pmin (\(unit.pmin) MW)") }
        guard request.maxMw <= unit.pmax else { throw .invalid(field: "max_mw", reason: "must not exceed the registered pmax (\(unit.pmax) MW)") }
        try costAndBid(a: request.a, b: request.b, c: request.c, k: request.k, prefix: "")
    }

    public static func validate(_ request: PublishDemandRequest, for load: ConsumerDetails) throws(RegistryError) {
        try month(request.month)
        guard request.mwh.isFinite, request.mwh > 0 else { throw .invalid(field: "mwh", reason: "must be positive") }
        // No more than the registered maximum demand held for a whole (31-day) month.
        let ceiling = load.maxDemandMw * 24 * 31
        guard request.mwh <= ceiling else { throw .invalid(field: "mwh", reason: "must not exceed \(ceiling) MWh (max_demand_mw for a month)") }
        if let problem = MarketLimits.priceProblem(request.maxPrice) { throw .invalid(field: "max_price", reason: problem) }
    }

    public static func reason(_ reason: String?, for action: String) throws(RegistryError) -> String {
        guard let reason else { throw .invalid(field: "reason", reason: "is required to \(action)") }
        try text(reason, "reason")
        return reason
    }

    /// A delivery month, `YYYY-MM`.
    public static func month(_ value: DeliveryMonth) throws(RegistryError) {
        guard value.isValid else {
            throw .invalid(field: "month", reason: "must be a delivery month, YYYY-MM")
        }
    }

    static func text(_ value: String, _ field: String) throws(RegistryError) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid(field: field, reason: "must not be empty") }
        guard value.count <= maxTextLength else { throw .invalid(field: field, reason: "must be at most \(maxTextLength) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field: field, reason: "must not contain control characters")
        }
    }

    static func licence(_ value: String) throws(RegistryError) {
        guard value.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9-]{0,63}/) != nil else {
            throw .invalid(field: "licence", reason: "must be 1 to 64 letters, digits or dashes")
        }
    }

    static func bus(_ value: Int, _ field: String) throws(RegistryError) {
        guard (1...maxBus).contains(value) else { throw .invalid(field: field, reason: "must be a bus number from 1 to \(maxBus)") }
    }

    static func megawatts(_ value: Double, _ field: String, allowZero: Bool) throws(RegistryError) {
        guard value.isFinite, allowZero ? value >= 0 : value > 0, value <= maxMegawatts else {
            throw .invalid(field: field, reason: "must be \(allowZero ? "in [0" : "in (0"), \(Int(maxMegawatts))] MW")
        }
    }

    static func costAndBid(a: Double, b: Double, c: Double, k: Double, prefix: String) throws(RegistryError) {
        if let problem = MarketLimits.costCurveProblem(a: a, b: b, c: c, k: k) {
            throw .invalid(field: prefix + problem.field, reason: problem.reason)
        }
    }
}
