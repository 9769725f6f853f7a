import Foundation
import Testing
@testable import Topology

/// The repository's own compose.yaml.
let repositoryCompose = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("compose.yaml")

let home = URL(fileURLWithPath: "/tmp/gridtrade-home")

@Suite("compose.yaml to local processes")
struct LocalPlanTests {
    @Test("the repository's compose.yaml gives the six services with four ledger nodes, all on loopback")
    func repositoryCompose() throws {
        let plan = try LocalPlan.make(ComposeFile.load(composeURL()), home: home)
        #expect(plan.map(\.name) == ["dispatch", "ledger-1", "ledger-2", "ledger-3", "ledger-4", "matching", "registry", "review", "settlement"])
        #expect(Set(plan.map(\.executable)) == ["registry", "matching", "review", "dispatch", "ledger", "settlement"])
        for process in plan {
            #expect(process.rpcEndpoint.hasPrefix("tcp://127.0.0.1:"))
            #expect(process.eventsEndpoint.hasPrefix("tcp://127.0.0.1:"))
            #expect(process.environment["GRIDTRADE_DATA_DIR"] == "/tmp/gridtrade-home/data/\(process.name)")
            #expect(process.environment["GRIDTRADE_INSTANCE"] == process.name)
        }
        let ports = plan.flatMap { [$0.rpcEndpoint, $0.eventsEndpoint] }
        #expect(Set(ports).count == ports.count, "every service has its own ports")
    }

    @Test("a bind mount's target maps to its source beside compose.yaml: dispatch finds the case file; named volumes map to the home")
    func bindMounts() throws {
        let plan = try LocalPlan.make(ComposeFile.load(composeURL()), home: home, composeDirectory: composeURL().deletingLastPathComponent())
        let dispatch = try #require(plan.first { $0.name == "dispatch" })
        let casePath = try #require(dispatch.environment["GRIDTRADE_DISPATCH_CASE"])
        #expect(casePath == composeURL().deletingLastPathComponent().appendingPathComponent("deploy/cases/case30.m").path)
        #expect(FileManager.default.fileExists(atPath: casePath))
        #expect(dispatch.environment["GRIDTRADE_SIGNING_KEY"] == "/tmp/gridtrade-home/data/dispatch/signing-key.pem")
    }

    @Test("a port offset moves every port, and only ports")
    func portOffset() throws {
        let compose = try ComposeFile.load(composeURL())
        let base = try LocalPlan.make(compose, home: home)
        let shifted = try LocalPlan.make(compose, home: home, portOffset: 1000)
        for (a, b) in zip(base, shifted) {
            #expect(port(a.rpcEndpoint) + 1000 == port(b.rpcEndpoint))
            #expect(port(a.eventsEndpoint) + 1000 == port(b.eventsEndpoint))
            #expect(a.name == b.name && a.dataDirectory == b.dataDirectory)
        }
    }

    @Test("--data-centers 7 clones ledger-1 with the port step of ledger-1 to ledger-2; 1 keeps ledger-1")
    func dataCenters() throws {
        let compose = try ComposeFile.load(composeURL())
        let seven = try LocalPlan.make(compose, home: home, dataCenters: 7).filter { $0.executable == "ledger" }
        #expect(seven.map(\.name) == (1...7).map { "ledger-\($0)" })
        #expect(seven.map { port($0.rpcEndpoint) } == [7201, 7211, 7221, 7231, 7241, 7251, 7261])
        #expect(seven[6].environment["GRIDTRADE_INSTANCE"] == "ledger-7")
        #expect(seven[6].dataDirectory == "/tmp/gridtrade-home/data/ledger-7")
        let one = try LocalPlan.make(compose, home: home, dataCenters: 1).filter { $0.executable == "ledger" }
        #expect(one.map(\.name) == ["ledger-1"])
        #expect(throws: TopologyError.self) { try LocalPlan.make(compose, home: home, dataCenters: 0) }
    }

    @Test("service names as hosts become loopback; other hosts and non-endpoints stay")
    func rewriting() throws {
        let yaml = """
        services:
          a:
            command: ["registry", "--flag"]
            environment:
              - GRIDTRADE_RPC_ENDPOINT=tcp://*:7000
              - GRIDTRADE_EVENTS_ENDPOINT=tcp://0.0.0.0:7001
              - PEER=tcp://b:7100
              - EXTERNAL=tcp://example.org:9000
              - GRIDTRADE_DATA_DIR=/var/lib/gridtrade/a
              - OTHER=/var/lib/gridtrade-not-a-mount
            volumes: ["a-data:/var/lib/gridtrade"]
          b:
            command: registry
            environment:
              GRIDTRADE_RPC_ENDPOINT: "tcp://*:7100"
              GRIDTRADE_EVENTS_ENDPOINT: "tcp://*:7101"
            depends_on: [a]
        """
        let plan = try LocalPlan.make(ComposeFile.parse(yaml), home: home, portOffset: 5)
        let a = try #require(plan.first { $0.name == "a" })
        #expect(a.arguments == ["--flag"])
        #expect(a.rpcEndpoint == "tcp://127.0.0.1:7005")
        #expect(a.eventsEndpoint == "tcp://127.0.0.1:7006")
        #expect(a.environment["PEER"] == "tcp://127.0.0.1:7105")
        #expect(a.environment["EXTERNAL"] == "tcp://example.org:9005")
        #expect(a.environment["GRIDTRADE_DATA_DIR"] == "/tmp/gridtrade-home/data/a/a")
        #expect(a.environment["OTHER"] == "/var/lib/gridtrade-not-a-mount")
        let b = try #require(plan.first { $0.name == "b" })
        #expect(b.executable == "registry" && b.dependsOn == ["a"])
    }

    @Test("a service without endpoints or command is refused with its name")
    func refusals() {
        #expect(throws: TopologyError.self) {
            try LocalPlan.make(ComposeFile.parse("services:\n  x:\n    command: [registry]\n"), home: home)
        }
        #expect(throws: TopologyError.self) {
            try LocalPlan.make(ComposeFile.parse("services:\n  x:\n    environment: {A: b}\n"), home: home)
        }
        #expect(throws: TopologyError.self) { try ComposeFile.parse("services: [1, 2") }
    }
}

func port(_ endpoint: String) -> Int { Int(endpoint.split(separator: ":").last!)! }
func composeURL() -> URL { repositoryCompose }
