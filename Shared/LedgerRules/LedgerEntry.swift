import Contracts
import Foundation

/// What a ledger transaction's payload records, as JSON `{"type": ..., "body": ...}`: a contract,
/// a proposal to change recorded data, a data center's vote on one, or a member's note with its
/// certificate. Any other payload (not a JSON object, or an object without a top-level `type`) is
/// an opaque note, recorded as it is when a data center of the membership submits it.
public enum LedgerEntry: Sendable, Equatable {
    case contract(SignedContract)
    case proposal(Proposal)
    case vote(Vote)
    case note(MemberNote)

    public var type: String {
        switch self {
        case .contract: "contract"
        case .proposal: "proposal"
        case .vote: "vote"
        case .note: "note"
        }
    }

    /// nil for an opaque note; the entry, or a 3 (invalid argument) problem, for a JSON object with a `type`.
    public static func decode(_ payload: Data) throws(ContractProblem) -> LedgerEntry? {
        guard payload.first == UInt8(ascii: "{") else { return nil }
        do {
            return try JSONDecoder().decode(LedgerEntry.self, from: payload)
        } catch DecodingError.keyNotFound(let key, let context) where key.stringValue == "type" && context.codingPath.isEmpty {
            return nil
        } catch let problem as ContractProblem {
            throw problem
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is ContractProblem || context.codingPath.isEmpty {
            if let problem = context.underlyingError as? ContractProblem { throw problem }
            // Not JSON at all, though it starts with a brace.
            return nil
        } catch {
            throw ContractProblem(.invalidArgument, "the payload is not a ledger entry: \(error)")
        }
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            // Strings, integers and booleans only: JSONEncoder has nothing to refuse in them.
            preconditionFailure("a ledger entry does not encode: \(error)")
        }
    }
}

extension LedgerEntry: Codable {
    enum CodingKeys: String, CodingKey { case type, body }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "contract": self = .contract(try container.decode(SignedContract.self, forKey: .body))
        case "proposal": self = .proposal(try container.decode(Proposal.self, forKey: .body))
        case "vote": self = .vote(try container.decode(Vote.self, forKey: .body))
        case "note": self = .note(try container.decode(MemberNote.self, forKey: .body))
        case let other: throw ContractProblem(.invalidArgument, "unknown entry type '\(other)': contract, proposal, vote or note")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .contract(let contract): try container.encode(contract, forKey: .body)
        case .proposal(let proposal): try container.encode(proposal, forKey: .body)
        case .vote(let vote): try container.encode(vote, forKey: .body)
        case .note(let note): try container.encode(note, forKey: .body)
        }
    }
}
