import Bus
import Consensus
import LedgerRules

/// The ledger's contract, governance and extension-node methods and events (docs/protocol.md,
/// "Contracts on the ledger"). Contracts, proposals and votes are submitted with `Ledger/Submit`
/// as ledger entries; these read what the chain recorded.
extension LedgerAPI {
    public static let getContract = Method<ContractQuery, ContractRecord>("Ledger/GetContract")
    /// Catch-up for a member: its contracts, by delivery month and from a height.
    public static let listContracts = Method<ContractListQuery, ContractList>("Ledger/ListContracts")
    /// The Merkle inclusion proof of a contract's current version, with header and certificate.
    public static let getProof = Method<ContractQuery, ContractProof>("Ledger/GetProof")
    /// Block headers with their commit certificates: what an extension node keeps.
    public static let getHeaders = Method<BlockQuery, HeaderList>("Ledger/GetHeaders")
    public static let getProposal = Method<ProposalQuery, ProposalRecord>("Ledger/GetProposal")
    public static let listProposals = Method<ProposalListQuery, ProposalList>("Ledger/ListProposals")
    /// The consensus membership: the founders and every passed change, with the height it starts after.
    public static let getMembership = Method<Empty, MembershipList>("Ledger/GetMembership")

    public static let contractCommitted = EventTopic<ContractSummary>("ContractCommitted")
    public static let proposalOpened = EventTopic<ProposalRecord>("ProposalOpened")
    public static let voteCast = EventTopic<CastVote>("VoteCast")
    public static let proposalDecided = EventTopic<ProposalRecord>("ProposalDecided")
}

public struct ContractQuery: Codable, Sendable {
    public var contractId: String

    public init(contractId: String) { self.contractId = contractId }

    enum CodingKeys: String, CodingKey { case contractId = "contract_id" }
}

public struct ContractListQuery: Codable, Sendable {
    /// Only contracts naming this member as a party.
    public var memberId: String?
    /// Only contracts delivering in this delivery month (YYYY-MM).
    public var month: String?
    /// Only contracts recorded or changed at or above this height.
    public var fromHeight: UInt64?
    /// Most contracts in the reply (default 200, at most 1,000); a height is never split.
    public var limit: Int?

    public init(memberId: String? = nil, month: String? = nil, fromHeight: UInt64? = nil, limit: Int? = nil) {
        self.memberId = memberId
        self.month = month
        self.fromHeight = fromHeight
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case month, limit
        case memberId = "member_id"
        case fromHeight = "from_height"
    }
}

public struct ContractList: Codable, Sendable {
    /// By the height that last changed them (`updated_at`), then in the order first recorded.
    public var contracts: [ContractRecord]
    /// The height the answer reflects: ask again from height + 1.
    public var height: UInt64
    /// Set when the reply was cut at `limit`: ask again from this height for the rest.
    public var nextFromHeight: UInt64?

    public init(contracts: [ContractRecord], height: UInt64, nextFromHeight: UInt64? = nil) {
        self.contracts = contracts
        self.height = height
        self.nextFromHeight = nextFromHeight
    }

    enum CodingKeys: String, CodingKey {
        case contracts, height
        case nextFromHeight = "next_from_height"
    }
}

public struct HeaderList: Codable, Sendable {
    public var headers: [CheckpointProof]

    public init(headers: [CheckpointProof]) { self.headers = headers }
}

public struct ProposalQuery: Codable, Sendable {
    public var proposalId: String

    public init(proposalId: String) { self.proposalId = proposalId }

    enum CodingKeys: String, CodingKey { case proposalId = "proposal_id" }
}

public struct ProposalListQuery: Codable, Sendable {
    /// Only proposals opened or decided at or above this height.
    public var fromHeight: UInt64?

    public init(fromHeight: UInt64? = nil) { self.fromHeight = fromHeight }

    enum CodingKeys: String, CodingKey { case fromHeight = "from_height" }
}

public struct ProposalList: Codable, Sendable {
    public var proposals: [ProposalRecord]
    public var height: UInt64

    public init(proposals: [ProposalRecord], height: UInt64) {
        self.proposals = proposals
        self.height = height
    }
}

public struct MembershipList: Codable, Sendable {
    public var memberships: [Membership]
    public var height: UInt64

    public init(memberships: [Membership], height: UInt64) {
        self.memberships = memberships
        self.height = height
    }
}
