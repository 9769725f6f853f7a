/// Who a member is in the market (SPEC.md section 1). The raw value is the wire and CLI name,
/// and the organisational unit (OU) of the member's certificate.
public enum Role: String, Codable, Sendable, CaseIterable {
    case generator
    case consumer
    case tradingCenter = "trading_center"
    case dispatchCenter = "dispatch_center"
    case gridCompany = "grid_company"
    case dataCenter = "data_center"
}
