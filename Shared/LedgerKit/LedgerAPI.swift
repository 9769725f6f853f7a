import Bus
import Consensus

/// The ledger data center's methods and events (docs/protocol.md, "Ledger").
public enum LedgerAPI {
    /// Data center to data center: consensus messages, each signed by its sender.
    public static let deliver = Method<PeerDelivery, Empty>("Ledger/Deliver")
    /// A client's signed transaction, forwarded to the primary and ordered at most once.
    public static let submit = Method<SubmitRequest, SubmitReply>("Ledger/Submit")
    public static let getTransaction = Method<TransactionQuery, SubmitReply>("Ledger/GetTransaction")
    public static let status = Method<Empty, LedgerStatus>("Ledger/Status")
    /// Stored blocks with their commit certificates, for extension nodes and audits.
    public static let getBlocks = Method<BlockQuery, BlockList>("Ledger/GetBlocks")

    public static let blockCommitted = EventTopic<BlockSummary>("BlockCommitted")
}

public struct PeerDelivery: Codable, Sendable {
    /// The sending node (0-based); informative only: each message carries its signed sender.
    public var from: Int
    public var messages: [SignedMessage]

    public init(from: Int, messages: [SignedMessage]) {
        self.from = from
        self.messages = messages
    }
}

public struct SubmitRequest: Codable, Sendable {
    public var transaction: Transaction
    /// Hold the reply until the transaction is committed here (or the deadline passes, code 4).
    public var wait: Bool?

    public init(transaction: Transaction, wait: Bool? = nil) {
        self.transaction = transaction
        self.wait = wait
    }
}

public struct SubmitReply: Codable, Sendable, Equatable {
    /// Hex SHA-256 transaction id.
    public var transactionId: String
    public var committed: Bool
    public var height: UInt64?
    public var index: Int?

    public init(transactionId: String, committed: Bool, height: UInt64? = nil, index: Int? = nil) {
        self.transactionId = transactionId
        self.committed = committed
        self.height = height
        self.index = index
    }

    enum CodingKeys: String, CodingKey {
        case committed, height, index
        case transactionId = "transaction_id"
    }
}

public struct TransactionQuery: Codable, Sendable {
    public var transactionId: String

    public init(transactionId: String) { self.transactionId = transactionId }

    enum CodingKeys: String, CodingKey { case transactionId = "transaction_id" }
}

/// One data center's view of the chain.
public struct LedgerStatus: Codable, Sendable, Equatable {
    /// The data center's instance name, e.g. `ledger-2`.
    public var dataCenter: String
    /// Its 0-based seat in the current membership; -1 when it holds none (removed, or not yet seated).
    public var seat: Int
    /// Height of the last block stored with its certificate.
    public var height: UInt64
    /// Hex hash of that block's header (empty before the first block).
    public var tip: String
    public var view: UInt64
    public var primary: Int
    public var viewActive: Bool
    public var dataCenters: Int

    public init(dataCenter: String, seat: Int, height: UInt64, tip: String, view: UInt64, primary: Int, viewActive: Bool, dataCenters: Int) {
        self.dataCenter = dataCenter
        self.seat = seat
        self.height = height
        self.tip = tip
        self.view = view
        self.primary = primary
        self.viewActive = viewActive
        self.dataCenters = dataCenters
    }

    enum CodingKeys: String, CodingKey {
        case seat, height, tip, view, primary
        case dataCenter = "data_center"
        case viewActive = "view_active"
        case dataCenters = "data_centers"
    }
}

public struct BlockQuery: Codable, Sendable {
    public var from: UInt64
    /// Inclusive; at most 256 blocks are returned per call.
    public var through: UInt64?

    public init(from: UInt64, through: UInt64? = nil) {
        self.from = from
        self.through = through
    }
}

public struct BlockList: Codable, Sendable {
    public var blocks: [CommittedBlock]

    public init(blocks: [CommittedBlock]) { self.blocks = blocks }
}

/// What `BlockCommitted` says: enough to follow the chain and find one's transactions.
public struct BlockSummary: Codable, Sendable, Equatable {
    public var height: UInt64
    public var hash: String
    public var previousHash: String
    public var view: UInt64
    public var proposer: Int
    /// Hex ids, in block order.
    public var transactions: [String]

    public init(height: UInt64, hash: String, previousHash: String, view: UInt64, proposer: Int, transactions: [String]) {
        self.height = height
        self.hash = hash
        self.previousHash = previousHash
        self.view = view
        self.proposer = proposer
        self.transactions = transactions
    }

    enum CodingKeys: String, CodingKey {
        case height, hash, view, proposer, transactions
        case previousHash = "previous_hash"
    }
}
