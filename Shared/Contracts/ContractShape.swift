import Credentials
import Messages

/// The rules for a contract document's public fields.
enum ContractShape {
    static func check(_ document: ContractDocument) throws(ContractProblem) {
        guard document.contractId == ContractDocument.contractID(order: document.orderId), !document.orderId.isEmpty else {
            throw ContractProblem(.invalidArgument, "contract_id must be ct- followed by the order id")
        }
        guard document.version >= 1 else { throw ContractProblem(.invalidArgument, "version must be at least 1") }
        guard DeliveryMonth(document.periodStart).isValid, DeliveryMonth(document.periodEnd).isValid, document.periodStart <= document.periodEnd else {
            throw ContractProblem(.invalidArgument, "period_start and period_end must be months (YYYY-MM), in order")
        }
        guard document.termsHash.count == 64, document.termsHash.allSatisfy(\.isHexDigit) else {
            throw ContractProblem(.invalidArgument, "terms_hash must be 64 hex digits")
        }
        let members = document.parties.map(\.member)
        guard Set(members).count == members.count else { throw ContractProblem(.invalidArgument, "a member is named twice among the parties") }
        for member in members where !MemberID.isValid(member) {
            throw ContractProblem(.invalidArgument, "'\(member)' is not a member id")
        }
        let count = { (role: Role) in document.parties.filter { $0.role == role }.count }
        guard count(.consumer) == 1, count(.generator) >= 1, count(.gridCompany) == 1, count(.tradingCenter) == 1,
              count(.dispatchCenter) == 1, count(.dataCenter) == 0 else {
            throw ContractProblem(
                .invalidArgument,
                "parties must be one consumer, one or more generators, one grid company, one trading center and one dispatch center"
            )
        }
    }
}
