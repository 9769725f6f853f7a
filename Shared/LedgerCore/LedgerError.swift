import Consensus
import GridProtocol

/// Why the ledger refused a request, each with the status a caller sees: the one mapping for
/// every `Ledger/*` handler (no status literal appears anywhere else in the ledger).
public enum LedgerError: Error, Equatable, Sendable, StatusConvertible, CustomStringConvertible {
    /// A request field that is out of range or malformed: the message names the field.
    case invalidArgument(String)
    /// A transaction's payload above what one data center takes.
    case payloadTooLarge(bytes: Int, limit: Int)
    /// The core or the recorded state refused the transaction, with the code it chose.
    case refused(TransactionRejection)
    /// This data center holds no seat in the membership now: another one orders it.
    case unseated
    /// Taken, but not committed before the caller's deadline.
    case notCommittedInTime(transactionID: String)
    case transactionNotFound(String)
    case contractNotFound(String)
    case proposalNotFound(String)
    /// The chain names a block this data center does not have stored.
    case blockMissing(height: UInt64)
    /// The data center is shutting down: the caller retries here later or asks another one.
    case stopping
    /// The submitter has spent its allowance at this data center (`SubmitLimits`).
    case submitterRate(rate: Double, burst: Int)
    /// The submitter has as many transactions in flight at this data center as it may.
    case submitterInFlight(limit: Int)

    public var status: GridProtocol.Status {
        switch self {
        case let .invalidArgument(message): GridProtocol.Status(code: .invalidArgument, message: message)
        case let .payloadTooLarge(bytes, limit): GridProtocol.Status(code: .invalidArgument, message: "transaction.payload is \(bytes) bytes; at most \(limit)")
        case let .refused(rejection): rejection.status
        case .unseated: GridProtocol.Status(code: .unavailable, message: "this data center holds no seat in the consensus membership now; submit to another")
        case let .notCommittedInTime(id):
            Status(code: .deadlineExceeded, message: "transaction \(id) was accepted but not committed before the deadline; ask Ledger/GetTransaction")
        case let .transactionNotFound(id): GridProtocol.Status(code: .notFound, message: "transaction \(id) is not committed here")
        case let .contractNotFound(id): GridProtocol.Status(code: .notFound, message: "no contract \(id) is recorded")
        case let .proposalNotFound(id): GridProtocol.Status(code: .notFound, message: "no proposal \(id)")
        case let .blockMissing(height): GridProtocol.Status(code: .internal, message: "block \(height) is not stored here")
        case .stopping: GridProtocol.Status(code: .unavailable, message: "this data center is shutting down; try again or ask another")
        case let .submitterRate(rate, burst):
            GridProtocol.Status(
                code: .resourceExhausted,
                message: "this submitter is past its rate at this data center (\(Self.number(rate)) transactions a second, \(burst) at once); try again shortly"
            )
        case let .submitterInFlight(limit):
            GridProtocol.Status(
                code: .resourceExhausted,
                message: "this submitter has \(limit) transactions in flight at this data center, the most it may; wait for them to commit"
            )
        }
    }

    public var description: String { status.message }

    /// 200, or 0.5: a rate as a person writes it.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
