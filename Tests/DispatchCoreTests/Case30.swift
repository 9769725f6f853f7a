import DispatchCore
import Foundation
import Messages

/// The repository's case30, as the dispatch service loads it (deploy/cases/case30.m).
enum Case30 {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/cases/case30.m").path
    static func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    static let identity = NetworkIdentity(name: "case30", sha256: String(repeating: "3", count: 64))

    static func network(nMinus1: Bool = true) throws -> DispatchNetwork {
        try DispatchNetwork(caseText: try text(), identity: identity, nMinus1: nMinus1)
    }

    /// January and February 2099: 744 and 672 hours.
    static let january: DeliveryMonth = "2099-01", february: DeliveryMonth = "2099-02"

    /// An order of `mw` in each month, as MWh over the month's hours.
    static func trade(_ id: OrderID, mw: [DeliveryMonth: Double], seller: MemberID = "m-seller", buyer: MemberID = "m-buyer") -> TradeOnNetwork {
        let months = mw.keys.sorted().map { MonthlyEnergy(month: $0, mwh: mw[$0]! * $0.hours) }
        return TradeOnNetwork(orderId: id, seller: seller, buyer: buyer, requestedMwh: months.reduce(0) { $0 + $1.mwh }, months: months)
    }
}
