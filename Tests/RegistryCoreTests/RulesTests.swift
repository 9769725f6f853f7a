import Bus
import Messages
import RegistryCore
import Testing

let unit = GeneratorDetails(bus: 5, pmin: 30, pmax: 100, a: 0.01, b: 8.4, c: 0, k: 1.3)

func generator(_ change: (inout RegisterRequest) -> Void = { _ in }) -> RegisterRequest {
    var request = RegisterRequest(role: .generator, legalName: "Plant One", licence: "LIC-1", contact: "ops@plant", generator: unit)
    change(&request)
    return request
}

/// The field a refusal names.
func refusedField(_ body: () throws(RegistryError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        if case let .invalid(field, _) = error { return field }
        return "not invalid: \(error)"
    }
}

@Suite("Admission rules")
struct RulesTests {
    @Test("a complete request of every role passes")
    func valid() throws {
        try Rules.validate(generator())
        try Rules.validate(RegisterRequest(role: .consumer, legalName: "Mill", licence: "C-9", contact: "x", consumer: .init(bus: 7, maxDemandMw: 80)))
        for role in [Role.tradingCenter, .dispatchCenter, .gridCompany, .dataCenter] {
            try Rules.validate(RegisterRequest(role: role, legalName: "Org", licence: "ORG-\(role.rawValue.count)", contact: "x"))
        }
    }

    @Test("each bad field is refused by name")
    func refusals() {
        let cases: [(String, (inout RegisterRequest) -> Void)] = [
            ("legal_name", { $0.legalName = "  " }),
            ("legal_name", { $0.legalName = String(repeating: "x", count: 500) }),
            ("contact", { $0.contact = "a\u{0}b" }),
            ("licence", { $0.licence = "has space" }),
            ("generator", { $0.generator = nil }),
            ("consumer", { $0.consumer = .init(bus: 1, maxDemandMw: 1) }),
            ("generator.bus", { $0.generator?.bus = 0 }),
            ("generator.pmax", { $0.generator?.pmax = 20 }),
            ("generator.pmax", { $0.generator?.pmax = 1e9 }),
            ("generator.pmin", { $0.generator?.pmin = -1 }),
            ("generator.a", { $0.generator?.a = 0 }),
            ("generator.b", { $0.generator?.b = .nan }),
            ("generator.k", { $0.generator?.k = 1 }),
        ]
        for (field, change) in cases {
            #expect(refusedField { () throws(RegistryError) in try Rules.validate(generator(change)) } == field)
        }
    }

    @Test("a refusal maps to 3 with the field's path")
    func status() {
        #expect(RegistryError.invalid(field: "generator.k", reason: "must be in (1, 10]").status == Status(code: .invalidArgument, message: "body.generator.k must be in (1, 10]"))
        #expect(RegistryError.duplicate(field: "licence", value: "L").status.code == 6)
        #expect(RegistryError.unknownMember("m").status.code == 5)
    }

    @Test("plans stay within the registered unit; demands within the registered load")
    func publishing() {
        let plan = PublishPlanRequest(month: "2026-12", minMw: 30, maxMw: 90, a: 0.01, b: 8.4, c: 0, k: 1.3)
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(plan, for: unit) } == nil)
        var bad = plan
        bad.maxMw = 150
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(bad, for: unit) } == "max_mw")
        bad = plan
        bad.month = "2026-13"
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(bad, for: unit) } == "month")
        bad = plan
        bad.minMw = 95
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(bad, for: unit) } == "max_mw")
        let load = ConsumerDetails(bus: 3, maxDemandMw: 10)
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(PublishDemandRequest(month: "2026-01", mwh: 100, maxPrice: 50), for: load) } == nil)
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(PublishDemandRequest(month: "2026-01", mwh: 1e6, maxPrice: 50), for: load) } == "mwh")
        #expect(refusedField { () throws(RegistryError) in try Rules.validate(PublishDemandRequest(month: "2026-01", mwh: 100, maxPrice: -1), for: load) } == "max_price")
    }

    @Test("admission is pending → approved or rejected, approved → revoked, nothing else")
    func lifecycle() throws {
        #expect(try Lifecycle.next(.pending, .approve, member: "m") == .approved)
        #expect(try Lifecycle.next(.pending, .reject, member: "m") == .rejected)
        #expect(try Lifecycle.next(.approved, .revoke, member: "m") == .revoked)
        for (status, action) in [(MemberStatus.approved, Lifecycle.Action.approve), (.rejected, .approve), (.revoked, .approve), (.pending, .revoke), (.revoked, .revoke), (.approved, .reject)] {
            #expect(throws: RegistryError.wrongStatus(member: "m", status: status.rawValue, action: action.rawValue)) {
                try Lifecycle.next(status, action, member: "m")
            }
        }
    }
}
