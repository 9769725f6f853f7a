import Bus
import Consensus
import Crypto
import Credentials
import Foundation
import LedgerKit
import Glibc
import Testing
import Topology

/// `gridtrade up`, `status`, `down` on a cluster of its own (own home, ports moved by an offset).
@Suite("gridtrade up / status / down", .serialized)
struct ClusterTests {
    struct StatusReport: Decodable {
        struct Service: Decodable {
            var name: String
            var pid: Int32?
            var endpoint: String
            var events: String
            var healthy: Bool
        }

        struct DataCenter: Decodable {
            var dataCenter: String
            var height: UInt64
            var tip: String
            var view: UInt64

            enum CodingKeys: String, CodingKey {
                case height, tip, view
                case dataCenter = "data_center"
            }
        }

        var services: [Service]
        var ledger: [DataCenter]
    }

    let gridtrade = binDirectory.appendingPathComponent("gridtrade")
    let compose = repositoryRoot.appendingPathComponent("compose.yaml")

    func status(_ home: URL) async throws -> StatusReport {
        let result = try await run(gridtrade, ["status", "--json", "--home", home.path])
        try #require(result.status == 0, "\(result.error)")
        return try JSONDecoder().decode(StatusReport.self, from: Data(result.output.utf8))
    }

    @Test("every compose service runs a product of this package")
    func composeRunsOurProducts() throws {
        let services = try ComposeFile.load(compose).services
        for (name, service) in services {
            let program = try #require(service.command.first, "\(name) has no command")
            #expect(FileManager.default.isExecutableFile(atPath: binDirectory.appendingPathComponent(program).path), "\(name) runs \(program)")
        }
    }

    /// Runs `body` on a cluster home and always stops whatever it started, even when the body
    /// fails, so no test leaves services holding ports for the next run.
    func withHome(_ name: String, _ body: (URL) async throws -> Void) async throws {
        let home = try temporaryDirectory(name)
        do {
            try await body(home)
        } catch {
            _ = try? await run(gridtrade, ["down", "--home", home.path, "--grace", "2"])
            throw error
        }
        _ = try? await run(gridtrade, ["down", "--home", home.path, "--grace", "2"])
    }

    @Test("up starts compose's set and returns healthy; again starts only what is missing; down stops exactly those")
    func upStatusDown() async throws {
        try await withHome("cluster") { home in try await upStatusDown(home) }
    }

    func upStatusDown(_ home: URL) async throws {
        // Below Linux's ephemeral range (32768 up), where the other tests' ports come from.
        let offset = Int.random(in: 10_000...17_000)
        let up = try await run(gridtrade, ["up", "--home", home.path, "--file", compose.path, "--port-offset", "\(offset)"])
        try #require(up.status == 0, "up failed: \(up.output) \(up.error)")

        let expected = try LocalPlan.make(ComposeFile.load(compose), home: home, portOffset: offset)
        let first = try await status(home)
        #expect(first.services.map(\.name) == expected.map(\.name))
        #expect(first.services.allSatisfy { $0.healthy })
        #expect(first.services.map(\.endpoint) == expected.map(\.rpcEndpoint))
        #expect(first.ledger.map(\.dataCenter) == ["ledger-1", "ledger-2", "ledger-3", "ledger-4"])
        #expect(first.ledger.allSatisfy { $0.view == 0 })
        let pids = Dictionary(uniqueKeysWithValues: first.services.map { ($0.name, try! #require($0.pid)) })

        // Idempotent: nothing restarts.
        let again = try await run(gridtrade, ["up", "--home", home.path])
        #expect(again.status == 0)
        #expect(try await status(home).services.map(\.pid) == first.services.map(\.pid))

        // A service that died is the only one started again.
        let victim = try #require(pids["review"])
        kill(victim, SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        let heal = try await run(gridtrade, ["up", "--home", home.path])
        #expect(heal.status == 0, "\(heal.error)")
        let healed = try await status(home)
        #expect(healed.services.allSatisfy { $0.healthy })
        for service in healed.services {
            if service.name == "review" { #expect(service.pid != victim) } else { #expect(service.pid == pids[service.name]) }
        }

        let down = try await run(gridtrade, ["down", "--home", home.path])
        #expect(down.status == 0)
        for service in healed.services {
            let pid = try #require(service.pid)
            #expect(kill(pid, 0) != 0 || isZombie(pid), "\(service.name) still runs")
        }
        #expect(try await status(home).services.isEmpty)
        // Logs and data stay for inspection.
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("logs/registry.log").path))
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("data/ledger-4").path))
    }

    @Test("--data-centers 7 starts seven data centers")
    func sevenLedgerNodes() async throws {
        try await withHome("cluster7") { home in try await sevenLedgerNodes(home) }
    }

    func sevenLedgerNodes(_ home: URL) async throws {
        let offset = Int.random(in: 17_500...25_000)
        let up = try await run(gridtrade, ["up", "--home", home.path, "--file", compose.path, "--port-offset", "\(offset)", "--data-centers", "7"])
        try #require(up.status == 0, "up failed: \(up.output) \(up.error)")
        let report = try await status(home)
        #expect(report.services.filter { $0.name.hasPrefix("ledger-") }.map(\.name) == (1...7).map { "ledger-\($0)" })
        #expect(report.services.allSatisfy { $0.healthy })
        // The seven data centers agree on a block: one transaction, then the same tip everywhere.
        let ledger1 = try #require(report.services.first { $0.name == "ledger-1" })
        let client = try RPCClient(endpoint: ledger1.endpoint)
        defer { client.close() }
        // Only members write to the ledger: the note is signed with a data center's own key.
        let key = try MemberKey.readPrivateKey(from: home.appendingPathComponent("data/ledger-1/node-key.pem").path)
        let transaction = P256TransactionVerifier.sign(payload: Data("seven".utf8), with: key)
        let reply = try await client.call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(20))
        #expect(reply.committed && reply.height == 1)
        var agreed = false
        for _ in 0..<100 where !agreed {
            let nodes = try await status(home).ledger
            agreed = nodes.count == 7 && nodes.allSatisfy { $0.height >= 1 } && Set(nodes.map(\.tip)).count == 1
            if !agreed { try await Task.sleep(for: .milliseconds(100)) }
        }
        let final = try await status(home).ledger
        #expect(agreed, "\(final)")
        #expect(try await run(gridtrade, ["down", "--home", home.path]).status == 0)
    }
}

func isZombie(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
}
