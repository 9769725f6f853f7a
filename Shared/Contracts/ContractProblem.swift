import GridProtocol

/// Why a contract (or a ledger entry) is refused, with the status code it is answered with.
/// The codes in use: INVALID_ARGUMENT (malformed: undecodable, missing fields, parties or copies
/// that do not fit the rules), PERMISSION_DENIED (refused by the ledger's state: a signer revoked,
/// a signature in a role it does not hold) and UNAUTHENTICATED (a signature missing, not
/// verifying, or by a certificate the trading center did not issue).
public struct ContractProblem: Error, Sendable, Equatable, CustomStringConvertible, StatusConvertible {
    /// The one set of status codes (`GridProtocol.StatusCode`).
    public typealias Code = StatusCode

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public var status: Status { Status(code: code, message: message) }
}
