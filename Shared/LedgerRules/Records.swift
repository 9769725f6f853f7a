import Contracts
import Foundation

public enum ContractStatus: String, Codable, Sendable {
    case active, cancelled
}

/// A recorded contract: its current version and where each version was recorded.
public struct ContractRecord: Codable, Sendable, Equatable {
    public var contractId: String
    public var document: ContractDocument
    public var contract: SignedContract
    public var status: ContractStatus
    /// Where the current version was recorded.
    public var transactionId: String
    public var height: UInt64
    public var index: Int
    /// Every version, oldest first.
    public var versions: [ContractVersion]
    /// The proposal that cancelled it, if one did.
    public var cancelledBy: String?
    /// The last height that changed it (recorded, amended or cancelled): what catch-up queries follow.
    public var updatedAt: UInt64

    enum CodingKeys: String, CodingKey {
        case document, contract, status, height, index, versions
        case contractId = "contract_id"
        case transactionId = "transaction_id"
        case cancelledBy = "cancelled_by"
        case updatedAt = "updated_at"
    }
}

/// What the `ContractCommitted` event says: where a contract landed and whom it names, without
/// its sealed copies and signatures (`Ledger/GetContract` has those).
public struct ContractSummary: Codable, Sendable, Equatable {
    public var contractId: String
    public var version: Int
    public var orderId: String
    public var parties: [ContractParty]
    public var periodStart: String
    public var periodEnd: String
    public var status: ContractStatus
    public var transactionId: String
    public var height: UInt64
    public var index: Int

    public init(_ record: ContractRecord) {
        contractId = record.contractId
        version = record.document.version
        orderId = record.document.orderId
        parties = record.document.parties
        periodStart = record.document.periodStart
        periodEnd = record.document.periodEnd
        status = record.status
        transactionId = record.transactionId
        height = record.height
        index = record.index
    }

    enum CodingKeys: String, CodingKey {
        case version, parties, status, height, index
        case contractId = "contract_id"
        case orderId = "order_id"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case transactionId = "transaction_id"
    }
}

public struct ContractVersion: Codable, Sendable, Equatable {
    public var version: Int
    public var transactionId: String
    public var height: UInt64

    enum CodingKeys: String, CodingKey {
        case version, height
        case transactionId = "transaction_id"
    }
}

public enum ProposalStatus: String, Codable, Sendable {
    case open, passed, rejected, expired
}

public struct ProposalRecord: Codable, Sendable, Equatable {
    /// The hex id of the proposal's transaction.
    public var proposalId: String
    public var proposal: Proposal
    /// The proposing data center's name.
    public var proposer: String
    public var openedAt: UInt64
    /// The proposal's position in the block at `openedAt`.
    public var index: Int
    /// Data centers in the membership when it opened: the denominator of the ratio.
    public var electorate: Int
    /// Yes-votes it needs.
    public var required: Int
    public var votes: [CastVote]
    public var status: ProposalStatus
    public var decidedAt: UInt64?
    /// For a passed membership change: the last height ordered by the old data centers.
    public var activatesAfter: UInt64?

    public var yes: Int { votes.filter(\.approve).count }
    public var no: Int { votes.count - yes }

    enum CodingKeys: String, CodingKey {
        case proposal, proposer, electorate, required, votes, status, index
        case proposalId = "proposal_id"
        case openedAt = "opened_at"
        case decidedAt = "decided_at"
        case activatesAfter = "activates_after"
    }
}

public struct CastVote: Codable, Sendable, Equatable {
    public var proposalId: String
    /// The voting data center's name.
    public var dataCenter: String
    public var approve: Bool
    public var height: UInt64

    enum CodingKeys: String, CodingKey {
        case approve, height
        case proposalId = "proposal_id"
        case dataCenter = "data_center"
    }
}

/// The consensus membership from a height on.
public struct Membership: Codable, Sendable, Equatable {
    /// Blocks after this height are ordered by these data centers (0 for the founding membership).
    public var after: UInt64
    public var seats: [DataCenterSeat]

    public init(after: UInt64, seats: [DataCenterSeat]) {
        self.after = after
        self.seats = seats
    }
}

/// What the ledger announces as blocks are applied.
public enum LedgerEvent: Sendable, Equatable {
    case contractCommitted(ContractRecord)
    case proposalOpened(ProposalRecord)
    case voteCast(CastVote)
    case proposalDecided(ProposalRecord)
}
