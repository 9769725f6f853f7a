import Bus
import Contracts
import Foundation
import LedgerKit
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import ServiceLifecycle
import Storage

/// The trading center's review service, wired: its store, the registry and matching it asks, its
/// queries and the contract desk on the bus, and the services it runs: the registry link, the
/// trading center's identity, and the desk that follows matching's confirmed orders.
struct ReviewService {
    let services: [any Service]

    init(host: BusHost) throws {
        let config = host.settings.config
        let store = try ReviewStore.open(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("review.sqlite").path)
        let registry = try RegistryLink(settings: host.settings, logger: host.logger)
        let upstream = host.settings.upstream(.matching)
        let matching = try RPCClient(endpoint: upstream.rpc)
        let identity = try ServiceIdentity(settings: host.settings, role: .tradingCenter, logger: host.logger)
        // Each limit by its decimal spelling: a cap of 14.16 is 14.16, and an order at 14.16 is within it.
        let limits = ReviewLimits(
            priceFloor: Price.decimal(config.double(forKey: "review.price.floor", default: Price.double(ReviewLimits.defaults.priceFloor))),
            priceCap: Price.decimal(config.double(forKey: "review.price.cap", default: Price.double(ReviewLimits.defaults.priceCap)))
        )
        if let problem = limits.problem { throw SettingsError("review.price: \(problem)") }

        host.server.register(ReviewAPI.getDecision) { query, _ in
            guard let record = try await store.read({ try ReviewStore.decision(query.orderId, $0) }) else {
                throw ReviewError.noDecision(orderID: query.orderId)
            }
            return record
        }
        host.server.register(ReviewAPI.listDecisions) { query, _ in
            DecisionList(decisions: try await store.read { try ReviewStore.decisions(query, $0) })
        }
        let contracts = ContractDesk(store: store, registry: registry, identity: identity)
        host.server.register(ReviewAPI.draftContract) { request, context in try await contracts.draft(request, context: context) }
        let signedContracts = FollowerBell()
        DraftDesk(store: store, registry: registry, events: host.events, signed: signedContracts, logger: host.logger).register(on: host.server)

        // One worker reviews orders one at a time, in matching's order, so the plan-room rule
        // sees every earlier approval.
        let desk = ReviewDesk(store: store, registry: registry, matching: matching, identity: identity, limits: limits, host: host)
        let follower = Follower(
            name: "confirmed-orders", source: desk,
            wakeOn: [.events(try EventSubscriber(endpoint: upstream.events, rpc: matching), MatchingAPI.orderConfirmed)],
            sweepEvery: .milliseconds(config.int(forKey: "review.sweep.ms", default: 2_000)), logger: host.logger
        )
        // The contract desk: drafts each checked trade on its own, then submits what every party signed.
        let dispatchUpstream = host.settings.upstream(.dispatch)
        let dispatch = try RPCClient(endpoint: dispatchUpstream.rpc)
        let gridCompany = config.string(forKey: "review.grid_company", default: "")
        let checked = CheckedTrades(
            store: store, registry: registry, identity: identity, dispatch: dispatch, matching: matching,
            gridCompany: gridCompany.isEmpty ? nil : MemberID(gridCompany), events: host.events, logger: host.logger
        )
        let drafting = Follower(
            name: "checked-trades", source: checked,
            wakeOn: [.events(try EventSubscriber(endpoint: dispatchUpstream.events, rpc: dispatch), DispatchAPI.tradeChecked)],
            sweepEvery: .milliseconds(config.int(forKey: "review.sweep.ms", default: 2_000)), logger: host.logger
        )
        let ledgerUpstream = host.settings.upstream(.ledger)
        let ledger = try RPCClient(endpoint: ledgerUpstream.rpc)
        let submitter = DraftSubmitter(
            store: store, identity: identity, ledger: ledger,
            resubmitAfter: .milliseconds(config.int(forKey: "review.submit.retry.ms", default: 30_000)), events: host.events, logger: host.logger
        )
        let sweep = Duration.milliseconds(config.int(forKey: "review.sweep.ms", default: 2_000))
        let submitting = Follower(name: "signed-contracts", source: submitter, wakeOn: [.bell(signedContracts)], sweepEvery: sweep, logger: host.logger)
        let committing = Follower(
            name: "committed-contracts", source: CommittedContracts(store: store, identity: identity, ledger: ledger, submitter: submitter),
            wakeOn: [.events(try EventSubscriber(endpoint: ledgerUpstream.events, rpc: ledger), LedgerAPI.contractCommitted)],
            sweepEvery: sweep, logger: host.logger
        )
        services = [registry, IdentityAcquisition(identity, from: registry, logger: host.logger), follower, drafting, submitting, committing]
    }
}
