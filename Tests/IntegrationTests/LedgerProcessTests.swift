import Bus
import Consensus
import Credentials
import Crypto
import Foundation
import Glibc
import LedgerKit
import Synchronization
import Testing

/// Four (or seven) real ledger processes on loopback, with keys made as `gridtrade ledger keygen` makes them.
final class LedgerRig: Sendable {
    let nodes: [ServiceProcess]
    let clients: [RPCClient]
    let keys: URL

    /// - Parameter ports: each data center's RPC and events ports, when a service started earlier must know them.
    init(count: Int = 4, viewChangeMs: Int = 1_000, ports chosen: [(Int, Int)]? = nil, environment: [String: String] = [:]) async throws {
        let keys = try temporaryDirectory("ledger-keys")
        self.keys = keys
        _ = try DataCenterKeys.generate(count: count, in: keys)
        let ports = try chosen ?? (0..<count).map { _ in (try freePort(), try freePort()) }
        let peers = ports.map { "tcp://127.0.0.1:\($0.0)" }.joined(separator: ",")
        nodes = try (0..<count).map { index in
            try ServiceProcess("ledger", instance: "ledger-\(index + 1)", rpcPort: ports[index].0, eventsPort: ports[index].1, environment: [
                "GRIDTRADE_LEDGER_NODE": "\(index + 1)",
                "GRIDTRADE_LEDGER_PEERS": peers,
                "GRIDTRADE_LEDGER_KEY": keys.appendingPathComponent("node-\(index + 1).pem").path,
                "GRIDTRADE_LEDGER_MEMBERS": keys.appendingPathComponent("members.pem").path,
                "GRIDTRADE_LEDGER_VIEW_CHANGE_MS": "\(viewChangeMs)",
            ].merging(environment) { $1 })
        }
        for node in nodes { try await node.waitHealthy() }
        clients = try nodes.map { try RPCClient(endpoint: $0.rpcEndpoint, maxMessageBytes: 32 << 20) }
    }

    func status(_ index: Int) async throws -> LedgerStatus { try await clients[index].call(LedgerAPI.status, Empty(), deadline: .seconds(2)) }

    /// Data center `index`'s own key (0-based): a member of the ledger, which may record notes.
    func dataCenterKey(_ index: Int) throws -> P256.Signing.PrivateKey {
        try MemberKey.readPrivateKey(from: keys.appendingPathComponent("node-\(index + 1).pem").path)
    }

    func dataCenterKeys() throws -> [P256.Signing.PrivateKey] { try nodes.indices.map(dataCenterKey) }

    /// Waits until `check` holds: up to 60 s, for a loaded CI machine (the CI runs suites side by side).
    func eventually(_ what: String, timeout: Duration = .seconds(60), _ check: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(await check()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting until \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until `check` holds for as long as the data centers make progress: fails only when
    /// the lowest height among them has not moved for `stall`. A loaded CI machine may need
    /// minutes to order a membership change's empty blocks; a stuck cluster is still caught.
    func eventuallyWhileProgressing(_ what: String, stall: Duration = .seconds(60), _ check: () async -> Bool) async throws {
        var lowest: UInt64 = 0
        var lastMove = ContinuousClock.now
        while !(await check()) {
            var heights: [UInt64] = []
            for index in clients.indices { if let status = try? await status(index) { heights.append(status.height) } }
            if let now = heights.min(), now > lowest {
                lowest = now
                lastMove = .now
            }
            guard lastMove.duration(to: .now) < stall else {
                Issue.record("no progress for \(stall) (lowest height \(lowest)) waiting until \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() async {
        clients.forEach { $0.close() }
        for node in nodes { await node.stop() }
    }
}

/// Clients that keep submitting through the given nodes, each as a member of the ledger (a data
/// center's key of its own, so no client meets its submitter's limits); every commit they are
/// told of is remembered.
final class SteadyLoad: Sendable {
    private final class Shared: Sendable {
        let acknowledged = Mutex<[String: UInt64]>([:])
        let running = Atomic<Bool>(true)
    }

    private let shared = Shared()
    private let task: Task<Void, Never>

    init(through clients: [RPCClient], keys: [P256.Signing.PrivateKey]) {
        let shared = self.shared
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        var n = 0
                        let key = keys[index % keys.count]
                        while shared.running.load(ordering: .relaxed) {
                            n += 1
                            let transaction = P256TransactionVerifier.sign(payload: Data("load \(index) \(n) \(UUID())".utf8), with: key)
                            if let reply = try? await client.call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(20)),
                               reply.committed, let height = reply.height {
                                shared.acknowledged.withLock { $0[reply.transactionId] = height }
                            } else {
                                // Refused or failed (a node down, say): no busy loop against it.
                                try? await Task.sleep(for: .milliseconds(50))
                            }
                        }
                    }
                }
            }
        }
    }

    var count: Int { shared.acknowledged.withLock { $0.count } }
    var ids: [String] { shared.acknowledged.withLock { Array($0.keys) } }

    func stop() async {
        shared.running.store(false, ordering: .relaxed)
        await task.value
    }
}

@Suite("Ledger data centers as real processes", .serialized)
struct LedgerProcessTests {
    @Test("only members write notes: a stranger's note is refused with 7; a member past its rate, or past its transactions in flight, gets 8")
    func noteAdmissionAndLimits() async throws {
        let rig = try await LedgerRig(environment: [
            "GRIDTRADE_LEDGER_SUBMIT_RATE": "0.01", "GRIDTRADE_LEDGER_SUBMIT_BURST": "3", "GRIDTRADE_LEDGER_SUBMIT_IN_FLIGHT": "2",
        ])
        try await stopping(rig.stop) {
            let stranger = P256TransactionVerifier.sign(payload: Data("16 KiB of spam".utf8), with: P256Keys.fresh())
            #expect(await code { try await rig.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: stranger, wait: true), deadline: .seconds(10)) } == 7)

            // Data center 2's key may write notes: three at once (the burst), then the rate refuses the fourth.
            let member = try rig.dataCenterKey(1)
            for number in 0..<3 {
                let note = P256TransactionVerifier.sign(payload: Data("note \(number) \(UUID())".utf8), with: member)
                #expect(try await rig.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: note, wait: true), deadline: .seconds(20)).committed)
            }
            let fourth = P256TransactionVerifier.sign(payload: Data("note 3 \(UUID())".utf8), with: member)
            let overRate = await failure { try await rig.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: fourth, wait: true), deadline: .seconds(10)) }
            #expect(overRate?.code == .resourceExhausted && overRate?.message.contains("rate") == true, "\(String(describing: overRate))")

            // With two of four data centers stopped nothing commits: a submitter's accepted transactions stay in flight.
            for node in rig.nodes[2...] { _ = await node.stop() }
            let waiting = try rig.dataCenterKey(2)
            for number in 0..<2 {
                let note = P256TransactionVerifier.sign(payload: Data("waiting \(number) \(UUID())".utf8), with: waiting)
                #expect(try await rig.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: note), deadline: .seconds(10)).committed == false)
            }
            let third = P256TransactionVerifier.sign(payload: Data("waiting 2 \(UUID())".utf8), with: waiting)
            let overInFlight = await failure { try await rig.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: third), deadline: .seconds(10)) }
            #expect(overInFlight?.code == .resourceExhausted && overInFlight?.message.contains("in flight") == true, "\(String(describing: overInFlight))")
        }
    }

    @Test("bad input gets its code and changes nothing: a forged signature (16), an oversized payload (3), a bad id (3), a height past the end")
    func badInput() async throws {
        let rig = try await LedgerRig()
        try await stopping(rig.stop) {
            let client = rig.clients[1]
            // A data center's key: only members write notes.
            let key = try rig.dataCenterKey(2)
            let good = P256TransactionVerifier.sign(payload: Data("good".utf8), with: key)
            let forged = Transaction(payload: Data("forged".utf8), submitter: good.submitter, signature: good.signature)
            #expect(await code { try await client.call(LedgerAPI.submit, SubmitRequest(transaction: forged, wait: true)) } == 16)
            // One byte past LedgerLimits.maxPayloadBytes (64 KiB).
            let huge = P256TransactionVerifier.sign(payload: Data(count: 64 * 1024 + 1), with: key)
            #expect(await code { try await client.call(LedgerAPI.submit, SubmitRequest(transaction: huge)) } == 3)
            #expect(await code { try await client.call(LedgerAPI.getTransaction, TransactionQuery(transactionId: "zz")) } == 3)
            #expect(try await client.call(LedgerAPI.getBlocks, BlockQuery(from: .max)).blocks.isEmpty)

            // Without wait the reply means accepted (checked and on disk), and the commit follows.
            let accepted = try await client.call(LedgerAPI.submit, SubmitRequest(transaction: good))
            #expect(!accepted.committed && accepted.transactionId == good.id.hex)
            try await rig.eventually("the accepted transaction commits at every data center") {
                for client in rig.clients {
                    guard (try? await client.call(LedgerAPI.getTransaction, TransactionQuery(transactionId: good.id.hex)))?.committed == true else { return false }
                }
                return true
            }
            // Neither refused transaction reached any block.
            for node in 0..<4 {
                let blocks = try await rig.clients[node].call(LedgerAPI.getBlocks, BlockQuery(from: 1)).blocks
                let ids = Set(blocks.flatMap { $0.block.transactions.map(\.id) })
                #expect(ids.contains(good.id) && !ids.contains(forged.id) && !ids.contains(huge.id))
            }
            #expect(rig.nodes.allSatisfy { $0.process.isRunning })
        }
    }

    @Test("under load, kill -9 a replica: the others keep committing; restarted, it catches up to the same tip")
    func replicaCrash() async throws {
        let rig = try await LedgerRig()
        try await stopping(rig.stop) {
            let load = SteadyLoad(through: Array(rig.clients[0...1]), keys: try rig.dataCenterKeys())
            try await rig.eventually("20 transactions are committed") { load.count >= 20 }

            _ = await rig.nodes[2].stop(signal: SIGKILL)
            let before = load.count
            try await rig.eventually("commits go on with a replica down") { load.count >= before + 40 }

            try rig.nodes[2].start()
            try await rig.nodes[2].waitHealthy()
            try await rig.eventually("more commits after the restart") { load.count >= before + 80 }
            await load.stop()
            try await rig.eventually("every node has the same tip") {
                guard let statuses = try? await [rig.status(0), rig.status(1), rig.status(2), rig.status(3)] else { return false }
                return Set(statuses.map(\.tip)).count == 1 && statuses[0].height > 0
            }
            // Every acknowledged transaction is on the restarted node too.
            for id in load.ids.prefix(50) {
                let reply = try await rig.clients[2].call(LedgerAPI.getTransaction, TransactionQuery(transactionId: id))
                #expect(reply.committed)
            }
        }
    }

    @Test("kill -9 the primary: a view change follows and no acknowledged transaction is lost")
    func primaryCrash() async throws {
        let rig = try await LedgerRig()
        try await stopping(rig.stop) {
            #expect(try await rig.status(1).primary == 0)
            let load = SteadyLoad(through: Array(rig.clients[1...3]), keys: try rig.dataCenterKeys())
            try await rig.eventually("20 transactions are committed") { load.count >= 20 }

            _ = await rig.nodes[0].stop(signal: SIGKILL)
            let before = load.count
            try await rig.eventually("a new view commits again", timeout: .seconds(40)) { load.count >= before + 30 }
            let status = try await rig.status(1)
            #expect(status.view > 0 && status.primary != 0)
            await load.stop()

            try rig.nodes[0].start()
            try await rig.nodes[0].waitHealthy()
            let acknowledged = load.ids
            try await rig.eventually("the old primary has caught up") {
                guard let a = try? await rig.status(0), let b = try? await rig.status(1) else { return false }
                return a.tip == b.tip && a.height == b.height
            }
            for node in 0..<4 {
                for id in acknowledged {
                    let reply = try await rig.clients[node].call(LedgerAPI.getTransaction, TransactionQuery(transactionId: id))
                    #expect(reply.committed, "node \(node + 1) lost \(id)")
                }
            }
        }
    }

    @Test("a node whose stored block is altered is caught by gridtrade ledger verify, naming the height")
    func alteredBlock() async throws {
        let rig = try await LedgerRig()
        try await stopping(rig.stop) {
            let load = SteadyLoad(through: [rig.clients[0]], keys: try rig.dataCenterKeys())
            try await rig.eventually("10 transactions are committed") { load.count >= 10 }
            await load.stop()
            let node = rig.nodes[1]
            try await rig.eventually("node 2 stores a block") { ((try? await rig.status(1).height) ?? 0) >= 2 }
            await node.stop()

            let gridtrade = binDirectory.appendingPathComponent("gridtrade")
            let members = rig.keys.appendingPathComponent("members.pem").path
            let intact = try await run(gridtrade, ["ledger", "verify", "--data-dir", node.dataDirectory.path, "--members", members])
            #expect(intact.status == 0 && intact.output.contains("intact"), "\(intact.output)\(intact.error)")

            // Change one transaction's payload in block 2, leaving its header and certificate alone.
            let database = node.dataDirectory.appendingPathComponent("ledger.sqlite").path
            let hex = try await run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, "SELECT hex(body) FROM block WHERE height = 2"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let stored = try JSONDecoder().decode(CommittedBlock.self, from: Data(hexDigits: hex))
            var transactions = stored.block.transactions
            try #require(!transactions.isEmpty)
            let first = transactions[0]
            transactions[0] = Transaction(payload: first.payload + Data("!".utf8), submitter: first.submitter, signature: first.signature)
            let altered = CommittedBlock(block: Block(header: stored.block.header, transactions: transactions), certificate: stored.certificate)
            let body = try JSONEncoder().encode(altered).map { String(format: "%02x", $0) }.joined()
            let update = try await run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, "UPDATE block SET body = X'\(body)' WHERE height = 2"])
            #expect(update.status == 0, "\(update.error)")

            let caught = try await run(gridtrade, ["ledger", "verify", "--data-dir", node.dataDirectory.path, "--members", members])
            #expect(caught.status == 1)
            #expect(caught.output.contains("ALTERED at height 2"), "\(caught.output)\(caught.error)")
        }
    }
}

/// The error a call fails with (nil if it succeeds).
func failure<Response>(_ call: () async throws -> Response) async -> RPCError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error as? RPCError
    }
}

enum P256Keys {
    static func fresh() -> P256.Signing.PrivateKey { P256.Signing.PrivateKey() }
}

extension Data {
    init(hexDigits: String) {
        var bytes = [UInt8]()
        var index = hexDigits.startIndex
        while index < hexDigits.endIndex {
            let next = hexDigits.index(index, offsetBy: 2)
            bytes.append(UInt8(hexDigits[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }
}
