import Bus
import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules

/// The ledger's transaction and chain handlers: a thin shell around `LedgerNode` (which runs the
/// core) and `SubmitPolicy` (which decides what `Ledger/Submit` answers).
struct LedgerService {
    let node: LedgerNode
    let instance: String

    func register(on server: RPCServer) {
        let node = self.node
        let instance = self.instance
        server.register(LedgerAPI.deliver) { request, context in
            node.deliver(request.messages, bytes: context.bodyBytes.count)
            return Empty()
        }
        server.register(LedgerAPI.submit) { request, context in
            let remaining = context.deadline.map { ContinuousClock.now.duration(to: $0) }
            return try await Self.submit(request, to: node, wait: LedgerLimits.waitLimit(remaining: remaining))
        }
        server.register(LedgerAPI.getTransaction) { query, _ in
            guard let id = Hash256(hex: query.transactionId) else { throw LedgerError.invalidArgument("transaction_id must be 64 hex digits") }
            if let location = try await node.location(of: id) { return Self.reply(id, at: location) }
            if let rejection = await node.rejection(of: id) { throw LedgerError.refused(rejection) }
            throw LedgerError.transactionNotFound(query.transactionId)
        }
        server.register(LedgerAPI.status) { _, _ in
            let status = await node.status()
            return LedgerStatus(
                dataCenter: instance, seat: status.index ?? -1, height: status.height, tip: status.tip, view: status.view,
                primary: status.primary, viewActive: status.viewActive, dataCenters: status.dataCenters
            )
        }
        server.register(LedgerAPI.getBlocks) { query, _ in
            guard query.from >= 1 else { throw LedgerError.invalidArgument("from must be at least 1") }
            let through = LedgerLimits.lastHeight(from: query.from, through: query.through, span: LedgerLimits.blocksPerReply)
            let blocks = try await node.store.page(
                from: query.from, through: through, limit: Int(LedgerLimits.blocksPerReply), maxTransactionBytes: LedgerLimits.maxBlockBytes
            )
            return BlockList(blocks: blocks)
        }
        LedgerQueries(book: node.book, store: node.store).register(on: server)
    }

    /// `Ledger/Submit`: the policy's answer before the core, the submitter's limits, the core's
    /// answer after its turn, and with `wait` the commit (or the deadline).
    static func submit(_ request: SubmitRequest, to node: LedgerNode, wait limit: Duration) async throws -> SubmitReply {
        let transaction = request.transaction
        let id = transaction.id
        // The state's check judges certificates at this data center's clock, as a block proposed
        // now would be stamped: an early answer only; execution judges at the block's timestamp.
        let now = UInt64(clamping: Date().unixMilliseconds)
        let screen = SubmitPolicy.screen(
            payloadBytes: transaction.payload.count, committedAt: try await node.location(of: id),
            recordedProblem: node.book.read { $0.problem(with: transaction, at: $0.height + 1, time: now) },
            // Remembered: the core's check before ordering does not verify it again.
            isSigned: node.book.cache.isSigned(transaction)
        )
        switch screen {
        case .refuse(let error): throw error
        case .committed(let location): return reply(id, at: location)
        case .order: break
        }
        switch try await node.submit(transaction) {
        case .refused(let error): throw error
        case .committed(let location): return reply(id, at: location)
        case .accepted:
            guard request.wait ?? false else { return SubmitReply(transactionId: id.hex, committed: false) }
            switch try await node.commit(of: id, within: limit) {
            case .committed(let location): return reply(id, at: location)
            case .timedOut: throw LedgerError.notCommittedInTime(transactionID: id.hex)
            case .stopping: throw LedgerError.stopping
            }
        }
    }

    static func reply(_ id: TransactionID, at location: TransactionLocation) -> SubmitReply {
        SubmitReply(transactionId: id.hex, committed: true, height: location.height, index: location.index)
    }
}
