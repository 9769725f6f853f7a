import DispatchCore
import GridProtocol
import Messages
import PowerFlow
import Testing

@Suite("PowerFlow's outcome as the message every party reads")
struct OutcomeMappingTests {
    @Test("each status maps to its own, and the accepted MWh follow from the month's hours", arguments: [
        (TradeStatus.accepted, SecurityStatus.accepted), (.curtailed, .curtailed), (.rejected, .rejected),
    ])
    func status(_ pair: (TradeStatus, SecurityStatus)) {
        let outcome = TradeOutcome(id: "o", status: pair.0, acceptedMW: pair.0 == .rejected ? 0 : 12.5, binding: [])
        let month = OutcomeMapping.monthCheck(outcome, month: "2099-02", requestedMw: 20, hours: 672)
        #expect(month.status == pair.1)
        #expect(month.month == "2099-02" && month.requestedMw == 20 && month.acceptedMw == outcome.acceptedMW)
        #expect(month.acceptedMwh == outcome.acceptedMW * 672)
    }

    @Test("binding limits keep branch, flow, limit and contingency (nil for the base case)")
    func binding() {
        let outcome = TradeOutcome(id: "o", status: .curtailed, acceptedMW: 3, binding: [
            PowerFlow.BindingLimit(branch: 2, flowMW: 65, limitMW: 65, contingency: nil),
            PowerFlow.BindingLimit(branch: 6, flowMW: 89.5, limitMW: 90, contingency: 3),
        ])
        let month = OutcomeMapping.monthCheck(outcome, month: "2099-01", requestedMw: 10, hours: 744)
        #expect(month.binding == [
            Messages.BindingLimit(branch: 2, flowMw: 65, limitMw: 65, contingency: nil),
            Messages.BindingLimit(branch: 6, flowMw: 89.5, limitMw: 90, contingency: 3),
        ])
    }

    @Test("a missing check is NOT_FOUND")
    func errorStatus() {
        let status = DispatchError.noCheck(orderId: "o-9").status
        #expect(status.code == StatusCode.notFound.rawValue && status.message == "no security check for trade order 'o-9'")
    }
}
