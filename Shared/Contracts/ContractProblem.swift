/// Why a contract (or a ledger entry) is refused, with the gRPC status code it is answered with.
public struct ContractProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Int, Sendable {
        /// Malformed: undecodable, missing fields, parties or copies that do not fit the rules.
        case invalidArgument = 3
        /// Refused by the ledger's state: a signer revoked, a signature in a role it does not hold.
        case permissionDenied = 7
        /// A signature missing, not verifying, or by a certificate the trading center did not issue.
        case unauthenticated = 16
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
