import Contracts
import Crypto
import Foundation

/// A data center's proposal to change recorded data (SPEC.md section 2, step 8). Its id is the
/// hex id of the transaction that carries it. Recorded blocks are never rewritten: every change
/// is a new entry whose outcome later blocks record.
public struct Proposal: Codable, Sendable, Equatable {
    public var action: ProposalAction
    /// Why, for the record.
    public var reason: String
    /// Makes two otherwise equal proposals two transactions.
    public var nonce: String?

    public init(action: ProposalAction, reason: String, nonce: String? = nil) {
        self.action = action
        self.reason = reason
        self.nonce = nonce
    }
}

/// What a proposal would change.
public enum ProposalAction: Sendable, Equatable {
    /// Mark a recorded contract cancelled.
    case cancelContract(contractId: String)
    /// Record a new version of a contract: fully signed again by all its parties, version + 1.
    case amendContract(SignedContract)
    /// Refuse the member's signatures on anything ordered after the decision.
    case revokeMember(memberId: String)
    /// Add a data center (its P-256 consensus key and RPC endpoint) to the consensus membership.
    case admitDataCenter(DataCenterSeat)
    /// Remove the data center with this key from the consensus membership.
    case removeDataCenter(publicKey: String)

    public static let types = ["cancel_contract", "amend_contract", "revoke_member", "admit_data_center", "remove_data_center"]

    public var type: String {
        switch self {
        case .cancelContract: "cancel_contract"
        case .amendContract: "amend_contract"
        case .revokeMember: "revoke_member"
        case .admitDataCenter: "admit_data_center"
        case .removeDataCenter: "remove_data_center"
        }
    }

    /// Whether passing it changes the consensus membership.
    public var changesMembership: Bool {
        switch self {
        case .admitDataCenter, .removeDataCenter: true
        default: false
        }
    }
}

extension ProposalAction: Codable {
    enum CodingKeys: String, CodingKey {
        case type, contract
        case contractId = "contract_id"
        case memberId = "member_id"
        case dataCenter = "data_center"
        case publicKey = "public_key"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "cancel_contract": self = .cancelContract(contractId: try container.decode(String.self, forKey: .contractId))
        case "amend_contract": self = .amendContract(try container.decode(SignedContract.self, forKey: .contract))
        case "revoke_member": self = .revokeMember(memberId: try container.decode(String.self, forKey: .memberId))
        case "admit_data_center": self = .admitDataCenter(try container.decode(DataCenterSeat.self, forKey: .dataCenter))
        case "remove_data_center": self = .removeDataCenter(publicKey: try container.decode(String.self, forKey: .publicKey))
        case let other:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "unknown action",
                underlyingError: ContractProblem(
                    .invalidArgument,
                    "unknown proposal action '\(other)': recorded blocks are never rewritten; the actions are \(Self.types.joined(separator: ", "))"
                )
            ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .cancelContract(let id): try container.encode(id, forKey: .contractId)
        case .amendContract(let contract): try container.encode(contract, forKey: .contract)
        case .revokeMember(let id): try container.encode(id, forKey: .memberId)
        case .admitDataCenter(let seat): try container.encode(seat, forKey: .dataCenter)
        case .removeDataCenter(let key): try container.encode(key, forKey: .publicKey)
        }
    }
}

/// A data center as the membership knows it.
public struct DataCenterSeat: Codable, Sendable, Equatable {
    /// Its instance name, e.g. `ledger-5`.
    public var name: String
    /// Base64 of its P-256 consensus key, x9.63 uncompressed (65 bytes).
    public var publicKey: String
    /// Where its RPC socket listens.
    public var endpoint: String

    public init(name: String, publicKey: String, endpoint: String) {
        self.name = name
        self.publicKey = publicKey
        self.endpoint = endpoint
    }

    /// Its consensus key, if `public_key` holds one.
    public var verificationKey: P256.Signing.PublicKey? {
        Data(base64Encoded: publicKey).flatMap { try? P256.Signing.PublicKey(x963Representation: $0) }
    }

    /// The founding membership, as a members file and `ledger.peers` list it: node K is `ledger-K`.
    public static func founders(keys: [P256.Signing.PublicKey], endpoints: [String]) -> [DataCenterSeat] {
        zip(keys, endpoints).enumerated().map { index, seat in
            DataCenterSeat(name: "ledger-\(index + 1)", publicKey: seat.0.x963Representation.base64EncodedString(), endpoint: seat.1)
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, endpoint
        case publicKey = "public_key"
    }
}

/// A data center's vote. The voter is the transaction's submitter key, which must be a current
/// data center's consensus key.
public struct Vote: Codable, Sendable, Equatable {
    public var proposalId: String
    public var approve: Bool

    public init(proposalId: String, approve: Bool) {
        self.proposalId = proposalId
        self.approve = approve
    }

    enum CodingKeys: String, CodingKey {
        case approve
        case proposalId = "proposal_id"
    }
}
