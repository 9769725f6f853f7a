import ArgumentParser
import Bus
import Foundation
import Topology
import LedgerKit

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the local cluster's services and their health.")

    @OptionGroup var cluster: ClusterOptions

    @Flag(help: "Print JSON: {\"services\": [{name, pid, endpoint, events, healthy}], \"ledger\": [{data_center, height, tip, view}]}.")
    var json = false

    struct Report: Encodable {
        struct Service: Encodable {
            var name: String
            var pid: Int32?
            var endpoint: String
            var events: String
            var healthy: Bool
        }

        struct DataCenter: Encodable {
            var dataCenter: String
            var height: UInt64
            /// Hex hash of the last stored header.
            var tip: String
            var view: UInt64

            enum CodingKeys: String, CodingKey {
                case height, tip, view
                case dataCenter = "data_center"
            }
        }

        var services: [Service]
        /// Each running data center's `Ledger/Status`.
        var ledger: [DataCenter]
    }

    func run() async throws {
        let processes = try cluster.clusterHome.loadState()?.processes ?? []
        let probed: [Report.Service] = await withTaskGroup(of: Report.Service.self) { group in
            for process in processes {
                group.addTask {
                    let running = process.isRunning
                    let healthy = running ? await isServing(process.spec.rpcEndpoint) : false
                    return Report.Service(
                        name: process.spec.name,
                        pid: running ? process.pid : nil,
                        endpoint: process.spec.rpcEndpoint,
                        events: process.spec.eventsEndpoint,
                        healthy: healthy
                    )
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let services = probed.sorted { (a: Report.Service, b: Report.Service) in
            LocalPlan.orderedNames(a.name, b.name)
        }
        let ledgerEndpoints = processes.filter { $0.spec.executable == "ledger" && $0.isRunning }.map(\.spec.rpcEndpoint)
        let probedLedger: [Report.DataCenter] = await withTaskGroup(of: Report.DataCenter?.self) { group in
            for endpoint in ledgerEndpoints {
                group.addTask {
                    guard let client = try? RPCClient(endpoint: endpoint, connectTimeout: .seconds(1)) else { return nil }
                    defer { client.close() }
                    guard let status = try? await client.call(LedgerAPI.status, Empty(), deadline: .seconds(1)) else { return nil }
                    return Report.DataCenter(dataCenter: status.dataCenter, height: status.height, tip: status.tip, view: status.view)
                }
            }
            return await group.reduce(into: [Report.DataCenter]()) { if let center = $1 { $0.append(center) } }
        }
        let ledger = probedLedger.sorted { (a: Report.DataCenter, b: Report.DataCenter) in LocalPlan.orderedNames(a.dataCenter, b.dataCenter) }
        let report = Report(services: services, ledger: ledger)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else if services.isEmpty {
            print("no cluster started from \(cluster.clusterHome.url.path)")
        } else {
            for service in services {
                let pid = service.pid.map(String.init) ?? "-"
                print("\(service.name.padding(toLength: 12, withPad: " ", startingAt: 0)) pid \(pid.padding(toLength: 8, withPad: " ", startingAt: 0)) \(service.healthy ? "healthy  " : "UNHEALTHY") \(service.endpoint)  events \(service.events)")
            }
            for center in ledger {
                print("\(center.dataCenter.padding(toLength: 12, withPad: " ", startingAt: 0)) height \(center.height)  view \(center.view)  tip \(center.tip.isEmpty ? "-" : String(center.tip.prefix(16)))")
            }
        }
    }
}
