import Bus
import Consensus
import Foundation
import Credentials
import LedgerKit
import LedgerRules
import ServiceKit

/// The ledger executable's handlers: a thin shell around `LedgerNode`, which runs the core.
final class LedgerService: Sendable {
    private let host: BusHost
    private let node: LedgerNode
    private let trust: LedgerTrust
    private let tick: Duration

    init(host: BusHost) throws {
        self.host = host
        let settings = try LedgerSettings(host.settings)
        tick = settings.tick
        for path in [settings.keyPath, settings.membersPath] where !FileManager.default.fileExists(atPath: path) {
            throw SettingsError("\(path) does not exist: make the data centers' keys with `gridtrade ledger keygen` (gridtrade up does it for a local cluster)")
        }
        let store = try LedgerStore(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("ledger.sqlite").path)
        let events = host.events
        let logger = host.logger
        trust = try LedgerTrust(settings: host.settings, key: try MemberKey.readPrivateKey(from: settings.keyPath), logger: host.logger)
        do {
            node = try LedgerNode(
                settings: settings, store: store, trust: trust, maxMessageBytes: host.settings.maxMessageBytes, logger: host.logger
            ) { committed, changes in
                let header = committed.block.header
                let summary = BlockSummary(
                    height: header.height, hash: header.hash.hex, previousHash: header.previousHash.hex, view: header.view,
                    proposer: header.proposer.index, transactions: committed.block.transactions.map(\.id.hex)
                )
                do {
                    try events.publish(LedgerAPI.blockCommitted, summary)
                    for change in changes {
                        switch change {
                        case .contractCommitted(let record): try events.publish(LedgerAPI.contractCommitted, ContractSummary(record))
                        case .proposalOpened(let record): try events.publish(LedgerAPI.proposalOpened, record)
                        case .voteCast(let vote): try events.publish(LedgerAPI.voteCast, vote)
                        case .proposalDecided(let record): try events.publish(LedgerAPI.proposalDecided, record)
                        }
                    }
                } catch {
                    logger.warning("cannot publish the block's events", metadata: ["ledger.height": "\(header.height)", "error": "\(error)"])
                }
            }
        } catch let error as LedgerSetupError {
            throw SettingsError(error.description)
        }
    }

    func start() {
        let server = host.server
        let node = self.node
        server.register(LedgerAPI.deliver) { request, _ in
            node.deliver(request.messages)
            return Empty()
        }
        server.register(LedgerAPI.submit) { request, context in
            let transaction = request.transaction
            let id = transaction.id.hex
            // A batch of the largest transactions must still fit in one message between data centers.
            guard transaction.payload.count <= LedgerLimits.maxPayloadBytes else {
                throw RPCError(.invalidArgument, "transaction.payload is \(transaction.payload.count) bytes; at most \(LedgerLimits.maxPayloadBytes)")
            }
            // What the recorded state already refuses is answered now, and costs no block; a
            // transaction whose signature is bad is told that first (the core checks it otherwise).
            if node.location(of: transaction.id) == nil, let problem = node.book.read({ $0.problem(with: transaction, at: $0.height + 1) }) {
                throw RPCError(P256TransactionVerifier.isSigned(transaction) ? problem : .invalidSignature)
            }
            let remaining = context.deadline.map { ContinuousClock.now.duration(to: $0) } ?? LedgerLimits.maxWait
            switch await node.submit(transaction, wait: request.wait ?? false, timeout: min(remaining, LedgerLimits.maxWait)) {
            case .committed(let location):
                return SubmitReply(transactionId: id, committed: true, height: location.height, index: location.index)
            case .accepted:
                return SubmitReply(transactionId: id, committed: false)
            case .rejected(let rejection):
                throw RPCError(rejection)
            case .timedOut:
                throw RPCError(.deadlineExceeded, "transaction \(id) was accepted but not committed before the deadline; ask Ledger/GetTransaction")
            }
        }
        server.register(LedgerAPI.getTransaction) { query, _ in
            guard let id = Hash256(hex: query.transactionId) else {
                throw RPCError(.invalidArgument, "transaction_id must be 64 hex digits")
            }
            guard let location = node.location(of: id) else {
                if let rejection = node.rejection(of: id) { throw RPCError(rejection) }
                throw RPCError(.notFound, "transaction \(query.transactionId) is not committed here")
            }
            return SubmitReply(transactionId: query.transactionId, committed: true, height: location.height, index: location.index)
        }
        server.register(LedgerAPI.status) { [host] _, _ in
            let progress = node.progress
            return LedgerStatus(
                node: host.settings.instance, index: node.index ?? -1, height: progress.height, tip: progress.tip, view: progress.view,
                primary: Int(progress.view % UInt64(node.dataCenters)), viewActive: progress.viewActive, dataCenters: node.dataCenters
            )
        }
        server.register(LedgerAPI.getBlocks) { query, _ in
            guard query.from >= 1 else { throw RPCError(.invalidArgument, "from must be at least 1") }
            let (last, overflow) = query.from.addingReportingOverflow(255)
            let through = min(query.through ?? .max, overflow ? .max : last)
            return BlockList(blocks: LedgerLimits.fitting(try node.blocks(from: query.from, through: through)))
        }
        LedgerQueries(node: node).register(on: server)
        Task { await node.run() }
        Task { await node.catchUp() }
        Task { [trust, host] in await trust.run(instance: host.settings.instance) }
        Task { [tick] in await node.tick(every: tick) }
    }
}

extension RPCError {
    /// A refusal by the core, with the status code it chose.
    init(_ rejection: TransactionRejection) {
        self.init(StatusCode(rawValue: rejection.code) ?? .invalidArgument, rejection.reason)
    }
}

/// What one data center takes from a client.
enum LedgerLimits {
    /// 16 KiB: a contract with five certificates, five sealed copies and five signatures is about
    /// 8 KiB; a full batch of the largest (256, base64 in JSON) fits the ledger's 32 MiB messages.
    static let maxPayloadBytes = 16 * 1024
    /// The longest a `wait` holds a reply when the caller gave no deadline.
    static let maxWait: Duration = .seconds(60)
    /// Transaction bytes in one reply or state-transfer message: a block of contracts is a few MiB
    /// in JSON, so 256 (or 32) of them would pass the 32 MiB message limit and be dropped.
    static let maxBlockBytes = 12 << 20

    /// The longest prefix of `blocks` within `maxBlockBytes` of transactions, and never less than one block.
    static func fitting(_ blocks: [CommittedBlock]) -> [CommittedBlock] {
        var total = 0
        var count = 0
        for block in blocks {
            total += block.block.transactions.reduce(0) { $0 + $1.payload.count + $1.submitter.count + $1.signature.count }
            guard count == 0 || total <= maxBlockBytes else { break }
            count += 1
        }
        return Array(blocks.prefix(count))
    }
}
