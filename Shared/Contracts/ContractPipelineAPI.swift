import GridProtocol
import Messages

/// The trade pipeline after review (docs/protocol.md, "Trade pipeline"): the trading center's
/// contract desk drafts each security-checked trade on its own, every party returns its signature
/// to the desk as a signed request, and the desk submits the complete contract to a data center
/// and follows it to commitment. Each order's stage is kept by the desk and announced.
extension ReviewAPI {
    /// Drafts, in the order they last changed; optionally those naming a member, or only those
    /// still waiting for that member's signature.
    public static let listDrafts = Method<DraftListQuery, DraftList>("Review/ListDrafts")
    public static let getDraft = Method<DraftQuery, ContractDraftRecord>("Review/GetDraft")
    /// A party's signature over a draft's document (`ContractSigning.message`), returned to the
    /// desk as a signed request by that party. Accepted once; the same signature again is no change.
    public static let signDraft = Method<SignDraftRequest, ContractDraftRecord>("Review/SignDraft")
    /// Where one trade order is in the pipeline.
    public static let getTrade = Method<TradeQuery, TradeProgress>("Review/GetTrade")
    /// Orders by stage, in the order they last moved.
    public static let listTrades = Method<TradeListQuery, TradeList>("Review/ListTrades")

    /// A draft was made, gained a signature, was submitted, committed or failed.
    public static let draftUpdated = EventTopic<ContractDraftRecord>("DraftUpdated")
    /// A trade order moved to another stage, or failed at one.
    public static let tradeStageChanged = EventTopic<TradeProgress>("TradeStageChanged")
}

/// The stages of a trade order, in pipeline order. `confirmed` is matching's; the desk records
/// every later one. (Metering and settlement come with the settlement service.)
public enum TradeStage: String, Codable, Sendable, CaseIterable, Comparable {
    case confirmed
    /// The trading center approved it (a rejection fails this stage).
    case reviewed
    /// The dispatch center's security check accepted some of it (all refused fails this stage).
    case checked
    /// The desk drafted its contract, signed by the trading center; parties are signing.
    case drafted
    /// Every party has signed.
    case signed
    /// The desk handed it to a data center.
    case submitted
    /// The data centers committed it in a block.
    case committed

    public static func < (lhs: TradeStage, rhs: TradeStage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One trade order's place in the pipeline.
public struct TradeProgress: Codable, Sendable, Equatable {
    /// Increases with every change the desk records (a cursor for `Review/ListTrades`).
    public var seq: Int64
    public var orderId: OrderID
    public var roundId: RoundID?
    /// The last stage reached, or the stage that failed.
    public var stage: TradeStage
    /// Why `stage` failed; nil while the trade moves on (or is done).
    public var failure: String?
    /// The contract that carries the order, once drafted (`ct-<order id>`, or `ct-<round id>` for a round's).
    public var contractId: String?
    /// The block the contract is in, once committed.
    public var height: UInt64?
    public var updatedAtMs: Int64

    public init(
        seq: Int64, orderId: OrderID, roundId: RoundID? = nil, stage: TradeStage, failure: String? = nil, contractId: String? = nil,
        height: UInt64? = nil, updatedAtMs: Int64
    ) {
        self.seq = seq
        self.orderId = orderId
        self.roundId = roundId
        self.stage = stage
        self.failure = failure
        self.contractId = contractId
        self.height = height
        self.updatedAtMs = updatedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case seq, stage, failure, height
        case orderId = "order_id"
        case roundId = "round_id"
        case contractId = "contract_id"
        case updatedAtMs = "updated_at_ms"
    }
}

public enum DraftStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for the signatures of `awaiting`.
    case signing
    /// Every party signed; the desk is submitting it.
    case submitting
    /// On the ledger at `height`.
    case committed
    /// The ledger refused it (`reason`); nothing more happens to it.
    case failed
}

/// A contract the desk drafted, as it stands.
public struct ContractDraftRecord: Codable, Sendable, Equatable {
    /// Increases with every change (a cursor for `Review/ListDrafts`).
    public var seq: Int64
    public var contractId: String
    /// The orders it carries: one for a bilateral order, every order of the round for a coalition.
    public var orderIds: [OrderID]
    public var roundId: RoundID?
    /// Document, sealed copies and the signatures so far (the trading center's from the start).
    public var contract: SignedContract
    /// The parties that have not signed yet.
    public var awaiting: [MemberID]
    public var status: DraftStatus
    public var height: UInt64?
    public var transactionId: String?
    public var reason: String?
    public var updatedAtMs: Int64

    public init(
        seq: Int64, contractId: String, orderIds: [OrderID], roundId: RoundID?, contract: SignedContract, awaiting: [MemberID], status: DraftStatus,
        height: UInt64? = nil, transactionId: String? = nil, reason: String? = nil, updatedAtMs: Int64
    ) {
        self.seq = seq
        self.contractId = contractId
        self.orderIds = orderIds
        self.roundId = roundId
        self.contract = contract
        self.awaiting = awaiting
        self.status = status
        self.height = height
        self.transactionId = transactionId
        self.reason = reason
        self.updatedAtMs = updatedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case seq, contract, awaiting, status, height, reason
        case contractId = "contract_id"
        case orderIds = "order_ids"
        case roundId = "round_id"
        case transactionId = "transaction_id"
        case updatedAtMs = "updated_at_ms"
    }
}

public struct DraftQuery: Codable, Sendable {
    public var contractId: String

    public init(contractId: String) { self.contractId = contractId }

    enum CodingKeys: String, CodingKey { case contractId = "contract_id" }
}

/// Drafts after a sequence number (0: from the start), at most `limit` (default 100, at most 1000).
/// `member`: only drafts naming it as a party; with `awaiting` true, only those still waiting for
/// its signature.
public struct DraftListQuery: Codable, Sendable {
    public var member: MemberID?
    public var awaiting: Bool?
    public var status: DraftStatus?
    public var afterSeq: Int64?
    public var limit: Int?

    public init(member: MemberID? = nil, awaiting: Bool? = nil, status: DraftStatus? = nil, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.member = member
        self.awaiting = awaiting
        self.status = status
        self.afterSeq = afterSeq
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case member, awaiting, status, limit
        case afterSeq = "after_seq"
    }
}

public struct DraftList: Codable, Sendable {
    public var drafts: [ContractDraftRecord]

    public init(drafts: [ContractDraftRecord]) { self.drafts = drafts }
}

/// `Review/SignDraft`: signed by the party whose signature it carries.
public struct SignDraftRequest: Codable, Sendable {
    public var contractId: String
    public var signature: ContractSignature

    public init(contractId: String, signature: ContractSignature) {
        self.contractId = contractId
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case signature
        case contractId = "contract_id"
    }
}

public struct TradeQuery: Codable, Sendable {
    public var orderId: OrderID

    public init(orderId: OrderID) { self.orderId = orderId }

    enum CodingKeys: String, CodingKey { case orderId = "order_id" }
}

/// Trades after a sequence number, at most `limit` (default 500, at most 5000); optionally only
/// those at `stage`, and with `failed` true only failed ones (false: only those not failed).
public struct TradeListQuery: Codable, Sendable {
    public var stage: TradeStage?
    public var failed: Bool?
    public var afterSeq: Int64?
    public var limit: Int?

    public init(stage: TradeStage? = nil, failed: Bool? = nil, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.stage = stage
        self.failed = failed
        self.afterSeq = afterSeq
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case stage, failed, limit
        case afterSeq = "after_seq"
    }
}

public struct TradeList: Codable, Sendable {
    public var trades: [TradeProgress]

    public init(trades: [TradeProgress]) { self.trades = trades }
}
