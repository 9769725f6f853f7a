import Bus
import Contracts
import Foundation
import Messages

/// Follows the round's orders through the trade pipeline as the services drive it on their own
/// (docs/protocol.md, "Trade pipeline"): reviewed by the trading center, checked by the dispatch
/// center, drafted by the trading center's desk, signed by every party (the demo's agents, the
/// trading center as it drafts, the dispatch center through its service), submitted, committed.
/// The demo only watches: `Review/GetTrade` for each order's stage, `Review/GetDraft` for the signatures.
struct DemoPipeline {
    let parties: DemoParties
    let review: RPCClient
    let dispatch: RPCClient
    let networkCase: String?
    let wait: DemoWait
    let account: DemoAccount

    struct Committed: Sendable {
        var contractId: String
        var height: UInt64
        var parties: [ContractParty]
    }

    /// What one look at the pipeline saw.
    private struct Seen {
        var trades: [OrderID: TradeProgress]
        var draft: ContractDraftRecord?

        /// The stage every order has reached (an order the desk does not know yet is `confirmed`).
        var stage: TradeStage { trades.values.map(\.stage).min() ?? .confirmed }

        var failure: String? {
            if let failed = trades.values.first(where: { $0.failure != nil }) {
                return "order \(failed.orderId) failed at \(failed.stage.rawValue): \(failed.failure ?? "")"
            }
            if let draft, draft.status == .failed { return "the ledger refused \(draft.contractId): \(draft.reason ?? "no reason given")" }
            return nil
        }
    }

    /// When each party's signature was first seen on the draft.
    private final class Signatures {
        var seen: [(member: String, at: Double)] = []

        func note(_ draft: ContractDraftRecord?, at time: Double) {
            for signature in draft?.contract.signatures ?? [] where !seen.contains(where: { $0.member == signature.member }) {
                seen.append((signature.member, time))
            }
        }
    }

    func follow(_ orders: [OrderID]) async throws -> Committed {
        let signatures = Signatures()
        var contractId: String?
        func look() async throws -> Seen {
            var trades: [OrderID: TradeProgress] = [:]
            for order in orders {
                do {
                    trades[order] = try await review.call(ReviewAPI.getTrade, TradeQuery(orderId: order), deadline: .seconds(30))
                } catch let error as RPCError where error.code == .notFound {
                    continue
                }
            }
            if contractId == nil { contractId = trades.values.compactMap(\.contractId).first }
            var draft: ContractDraftRecord?
            if let contractId {
                draft = try? await review.call(ReviewAPI.getDraft, DraftQuery(contractId: contractId), deadline: .seconds(30))
            }
            signatures.note(draft, at: account.elapsed)
            return Seen(trades: Dictionary(uniqueKeysWithValues: orders.map { ($0, trades[$0] ?? TradeProgress(seq: 0, orderId: $0, stage: .confirmed, updatedAtMs: 0)) }), draft: draft)
        }

        var last: Seen?
        for stage in TradeStage.allCases where stage > .confirmed {
            if let last, last.stage >= stage {
                // Reached between two looks, together with a later stage.
                await report(stage, last, signatures: signatures)
                continue
            }
            let seen = try await wait.until(Self.title(stage)) { () async throws -> Look<Seen> in
                let seen = try await look()
                if let failure = seen.failure { return .failed(failure) }
                if seen.stage >= stage { return .done(seen) }
                return .waiting(describe(seen))
            }
            await report(stage, seen, signatures: signatures)
            last = seen
        }
        guard let final = last, let id = contractId, let height = final.trades.values.compactMap(\.height).first, let draft = final.draft else {
            throw Failure("the trade pipeline: committed, but the desk names no contract or height")
        }
        return Committed(contractId: id, height: height, parties: try ContractSigning.document(of: draft.contract).parties)
    }

    /// The waits' names, which a failure message starts with.
    static func title(_ stage: TradeStage) -> String {
        switch stage {
        case .confirmed: "the orders"
        case .reviewed: "the trading center's review"
        case .checked: "the dispatch center's security check"
        case .drafted: "the contract desk's draft"
        case .signed: "the parties' signatures"
        case .submitted: "the desk's submission to the ledger"
        case .committed: "the ledger's commit"
        }
    }

    private func report(_ stage: TradeStage, _ seen: Seen, signatures: Signatures) async {
        let count = seen.trades.count
        switch stage {
        case .confirmed:
            break
        case .reviewed:
            account.stage("reviewed", "\(count) orders approved by the trading center (members, signatures, price, plan room)")
        case .checked:
            // What the dispatch center signed for each order: the MWh its network carries.
            var accepted: [String] = []
            var network = networkCase
            var nMinus1 = false
            for order in seen.trades.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let check = try? await dispatch.call(DispatchAPI.getResult, CheckQuery(orderId: order), deadline: .seconds(30)).result else { continue }
                network = check.network.name
                nMinus1 = check.nMinus1
                accepted.append("\(parties.name(of: check.seller.rawValue)) \(DemoRound.money(check.acceptedMwh)) of \(DemoRound.money(check.requestedMwh)) MWh")
            }
            account.stage("checked", "\(count) orders accepted by the dispatch center\(network.map { " on \($0)" } ?? "") (DC power flow, line limits\(nMinus1 ? ", N-1" : "")):")
            if !accepted.isEmpty { account.detail(accepted.joined(separator: ", ")) }
        case .drafted:
            guard let draft = seen.draft, let document = try? ContractSigning.document(of: draft.contract) else {
                return account.stage("drafted", "by the trading center's contract desk")
            }
            let names = document.parties.map { parties.name(of: $0.member) }
            account.stage("drafted", "\(draft.contractId) by the trading center's desk, one coalition contract naming \(names.count) parties:")
            account.detail(names.joined(separator: ", "))
            if let grid = document.parties.first(where: { $0.role == .gridCompany }), grid.member != parties.gridCompany.memberID {
                account.detail("note: the desk named grid company \(grid.member), not the demo's (review.grid_company is set?): its signature must come from its own agent")
            }
        case .signed:
            let order = signatures.seen.map { "\(parties.name(of: $0.member)) \(String(format: "%.1f s", $0.at))" }
            account.stage("signed", "by all \(signatures.seen.count) parties: the trading center as it drafted, the dispatch center by its service, the rest by their agents")
            if !order.isEmpty { account.detail("in order: " + order.joined(separator: ", ")) }
        case .submitted:
            account.stage("submitted", "by the desk to data center 1")
        case .committed:
            let height = seen.trades.values.compactMap(\.height).first.map { "block \($0)" } ?? "a block"
            account.stage("committed", "in \(height), as data center 1 reports it to the desk")
        }
    }

    /// The last state seen, for a wait that fails: every order's stage and who has not signed yet.
    private func describe(_ seen: Seen) -> String {
        var parts = seen.trades.values.sorted { $0.orderId.rawValue < $1.orderId.rawValue }.map { "\($0.orderId) \($0.stage.rawValue)" }
        if let draft = seen.draft {
            let awaiting = draft.awaiting.map { parties.name(of: $0.rawValue) }
            parts.append("\(draft.contractId) \(draft.status.rawValue)" + (awaiting.isEmpty ? "" : ", awaiting \(awaiting.joined(separator: ", "))"))
        }
        return parts.joined(separator: "; ")
    }
}
