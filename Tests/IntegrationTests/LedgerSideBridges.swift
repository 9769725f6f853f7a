import Foundation
import LedgerKit
import Messages

// The ledger side's tests (ContractLedgerTests, ContractRig) hold ids and months as the ledger
// does, as strings, and call this rig with them. These overloads take their spelling; delete them
// when those tests use `MemberID`, `OrderID` and `DeliveryMonth`.

extension TradeDeskRig {
    /// `result(_:)` for an order id as `SecurityCheckResult.orderId` spells it.
    @_disfavoredOverload
    func result(_ orderID: String) async throws -> SignedSecurityCheck { try await result(OrderID(orderID)) }
}

extension ContractListQuery {
    /// The ledger's query for the rig's delivery month.
    init(memberId: String? = nil, month: DeliveryMonth, fromHeight: UInt64? = nil, limit: Int? = nil) {
        self.init(memberId: memberId, month: month.rawValue, fromHeight: fromHeight, limit: limit)
    }
}

// ContractLedgerTests compares a contract's terms, which keep the ledger's string ids and Double
// price, with the typed order they were drafted from.
func == (terms: String, order: OrderID) -> Bool { terms == order.rawValue }
func == (terms: Double, order: Decimal) -> Bool { terms == Price.double(order) }
