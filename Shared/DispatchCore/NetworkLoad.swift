import Messages
import PowerFlow

/// What is on the network so far: one running security check per delivery month (trades in
/// different months never share the wires). A value: a placement returns the next one, and the
/// service keeps it once the result is stored, so a crash in between loses neither or both.
public struct NetworkLoad: Sendable {
    var months: [DeliveryMonth: SecurityCheck] = [:]

    /// Nothing on the network yet: every month is the base case.
    public init() {}

    /// The months that carry at least one placed order, in order.
    public var loadedMonths: [DeliveryMonth] { months.keys.sorted() }

    /// Running flows per branch row in `month`, MW (base case plus every order placed in it);
    /// nil for a month nothing was placed in.
    public func flowsMW(in month: DeliveryMonth) -> [Double]? { months[month]?.flowsMW }

    func check(for month: DeliveryMonth, on network: DispatchNetwork) -> SecurityCheck { months[month] ?? network.empty }
}
