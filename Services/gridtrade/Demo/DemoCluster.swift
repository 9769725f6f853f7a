import ClusterControl
import Credentials
import Crypto
import Foundation
import LedgerKit
import Messages
import Topology

/// The cluster `gridtrade up` started, as the demo needs it: every service's endpoints, the key
/// files `up` and the services made (the trading center's, the dispatch center's), and the data
/// centers' public keys. All of it comes from the cluster home's state file, so a cluster on a
/// port offset or another home is found the same way.
struct DemoCluster: Sendable {
    struct Ledger: Sendable {
        var name: String
        var rpc: String
    }

    var home: String
    var registry: String
    var matching: String
    var review: Upstream
    var dispatch: String
    /// In node order: ledger-1 first (where the desk submits and the proof is fetched).
    var ledgers: [Ledger]
    /// The trading center's private key: the review service signs with it, and it approves members.
    var tradingCenterKeyPath: String
    /// The dispatch center's private key, made by the dispatch service on its first start.
    var dispatchKeyPath: String
    /// The data centers' members file (every node's public key), the same on every node.
    var dataCenterMembersPath: String
    /// The MATPOWER case dispatch checks on, for the account.
    var dispatchCase: String?

    static func load(_ home: ClusterHome) throws -> DemoCluster {
        guard let state = try home.loadState() else {
            throw Failure("no cluster in \(home.url.path): start one with `gridtrade up` (same --home / $GRIDTRADE_HOME)")
        }
        let processes = state.processes.map(\.spec)
        func process(_ executable: String) throws -> LocalProcess {
            guard let found = processes.first(where: { $0.executable == executable }) else {
                throw Failure("the cluster in \(home.url.path) runs no \(executable) service")
            }
            return found
        }
        func setting(_ process: LocalProcess, _ key: String) throws -> String {
            guard let value = process.environment[key] else { throw Failure("\(process.name) has no \(key) in \(home.stateFile.path)") }
            return value
        }
        let stopped = state.processes.filter { !$0.isRunning }.map(\.spec.name)
        guard stopped.isEmpty else {
            throw Failure("not running in \(home.url.path): \(stopped.joined(separator: ", ")); start them with `gridtrade up`")
        }
        let review = try process("review")
        let dispatch = try process("dispatch")
        let ledgers = processes.filter { $0.executable == LocalPlan.ledgerExecutable }.sorted { LocalPlan.orderedNames($0.name, $1.name) }
        guard let first = ledgers.first else { throw Failure("the cluster in \(home.url.path) runs no data center") }
        return DemoCluster(
            home: home.url.path,
            registry: try process("registry").rpcEndpoint,
            matching: try process("matching").rpcEndpoint,
            review: Upstream(rpc: review.rpcEndpoint, events: review.eventsEndpoint),
            dispatch: dispatch.rpcEndpoint,
            ledgers: ledgers.map { Ledger(name: $0.name, rpc: $0.rpcEndpoint) },
            tradingCenterKeyPath: try setting(review, "GRIDTRADE_SIGNING_KEY"),
            dispatchKeyPath: try setting(dispatch, "GRIDTRADE_SIGNING_KEY"),
            dataCenterMembersPath: try setting(first, "GRIDTRADE_LEDGER_MEMBERS"),
            dispatchCase: dispatch.environment["GRIDTRADE_DISPATCH_CASE"].map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        )
    }

    /// The data centers' member ids: each registers itself with the registry under the id of its
    /// consensus key (`DataCenterRegistration`).
    func dataCenterIDs() throws -> [MemberID] {
        try DataCenterKeys.readMembers(from: dataCenterMembersPath).map { MemberID(publicKey: $0) }
    }

    func tradingCenterKey() throws -> P256.Signing.PrivateKey {
        do { return try MemberKey.readPrivateKey(from: tradingCenterKeyPath) } catch {
            throw Failure("cannot read the trading center's key \(tradingCenterKeyPath): \(error)")
        }
    }

    func dispatchKey() throws -> P256.Signing.PrivateKey {
        do { return try MemberKey.readPrivateKey(from: dispatchKeyPath) } catch {
            throw Failure("cannot read the dispatch center's key \(dispatchKeyPath) (the dispatch service makes it on its first start): \(error)")
        }
    }
}
