import Consensus
import Contracts
import GridProtocol

extension TransactionRejection {
    /// A contract's problem as the core refuses it: the one place its code becomes a status code.
    init(_ problem: ContractProblem) {
        // Every `ContractProblem.Code` is a status code by number; none falls to the default.
        self.init(code: StatusCode(rawValue: problem.code.rawValue) ?? .invalidArgument, reason: problem.message)
    }
}
