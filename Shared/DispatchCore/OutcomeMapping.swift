import Messages
import PowerFlow

/// The one place PowerFlow's verdict on a trade becomes the message every party reads: the
/// check's status and binding limits, per delivery month. Each enum is matched case by case (no
/// raw values), so a new case on either side fails to compile here rather than mapping silently.
public enum OutcomeMapping {
    /// One month of an order on the network.
    /// - Parameters:
    ///   - requestedMw: the month's energy spread evenly over its hours.
    ///   - hours: the month's hours, to turn the accepted MW back into MWh.
    public static func monthCheck(_ outcome: TradeOutcome, month: DeliveryMonth, requestedMw: Double, hours: Double) -> MonthCheck {
        let status: SecurityStatus =
            switch outcome.status {
            case .accepted: .accepted
            case .curtailed: .curtailed
            case .rejected: .rejected
            }
        return MonthCheck(
            month: month, requestedMw: requestedMw, acceptedMw: outcome.acceptedMW, acceptedMwh: outcome.acceptedMW * hours, status: status,
            binding: outcome.binding.map {
                Messages.BindingLimit(branch: $0.branch, flowMw: $0.flowMW, limitMw: $0.limitMW, contingency: $0.contingency)
            }
        )
    }
}
