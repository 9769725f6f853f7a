import Bus
import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Messages

/// The read side for members and their extension nodes: contracts, proofs, headers, proposals
/// and the membership, all from the certified chain (the shell's rules, and the store a page at a time).
struct LedgerQueries {
    let book: LedgerBook
    let store: LedgerStore

    static func page(_ contracts: [ContractRecord], limit: Int, height: UInt64) -> ContractList {
        let page = ContractPage(contracts, limit: limit)
        return ContractList(contracts: page.contracts, height: height, nextFromHeight: page.nextFromHeight)
    }

    func register(on server: RPCServer) {
        let book = self.book
        let store = self.store
        server.register(LedgerAPI.getContract) { query, _ in
            guard let record = book.read({ $0.contracts[query.contractId] }) else { throw LedgerError.contractNotFound(query.contractId) }
            return record
        }
        server.register(LedgerAPI.listContracts) { query, _ in
            if let month = query.month, !Months.isValid(month) { throw LedgerError.invalidArgument("month must be YYYY-MM") }
            if let limit = query.limit, !(1...1_000).contains(limit) { throw LedgerError.invalidArgument("limit must be between 1 and 1000") }
            let (found, height) = book.read { rules in
                (rules.contracts(member: query.memberId, month: query.month, fromHeight: query.fromHeight ?? 0), rules.height)
            }
            return Self.page(found, limit: query.limit ?? 200, height: height)
        }
        server.register(LedgerAPI.getProof) { query, _ in
            guard let record = book.read({ $0.contracts[query.contractId] }) else { throw LedgerError.contractNotFound(query.contractId) }
            guard let committed = try await store.page(from: record.height, through: record.height, limit: 1).first,
                  record.index < committed.block.transactions.count,
                  let path = MerkleTree.proof(of: record.index, in: committed.block.transactions)
            else { throw LedgerError.blockMissing(height: record.height) }
            return ContractProof(
                contractId: record.contractId, version: record.document.version, transaction: committed.block.transactions[record.index],
                height: record.height, index: record.index, header: committed.block.header, certificate: committed.certificate, proof: path
            )
        }
        server.register(LedgerAPI.getHeaders) { query, _ in
            guard query.from >= 1 else { throw LedgerError.invalidArgument("from must be at least 1") }
            let through = LedgerLimits.lastHeight(from: query.from, through: query.through, span: LedgerLimits.headersPerReply)
            let blocks = try await store.page(from: query.from, through: through, limit: Int(LedgerLimits.headersPerReply))
            return HeaderList(headers: blocks.map { CheckpointProof(header: $0.block.header, certificate: $0.certificate) })
        }
        server.register(LedgerAPI.getProposal) { query, _ in
            guard let record = book.read({ $0.proposals[query.proposalId] }) else { throw LedgerError.proposalNotFound(query.proposalId) }
            return record
        }
        server.register(LedgerAPI.listProposals) { query, _ in
            book.read { ProposalList(proposals: $0.proposalList(fromHeight: query.fromHeight ?? 0), height: $0.height) }
        }
        server.register(LedgerAPI.getMembership) { _, _ in
            book.read { MembershipList(memberships: $0.memberships, height: $0.height) }
        }
    }
}
