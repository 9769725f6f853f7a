import ArgumentParser
import ClusterControl
import Foundation
import Glibc

struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop exactly the processes `gridtrade up` started: SIGTERM, then SIGKILL after the grace period."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Seconds between SIGTERM and SIGKILL.")
    var grace: Int = 10

    func run() async throws {
        let home = cluster.clusterHome
        guard let state = try home.loadState() else {
            print("nothing to stop in \(home.url.path)")
            return
        }
        let running = state.processes.filter(\.isRunning)
        for process in running { ProcessControl.signal(process.pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(grace)
        var remaining = running
        while !remaining.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            remaining = remaining.filter(\.isRunning)
        }
        for process in remaining {
            ProcessControl.signal(process.pid, SIGKILL)
            print("\(process.spec.name): killed (pid \(process.pid)) after \(grace) s")
        }
        for process in running where !remaining.contains(where: { $0.pid == process.pid }) {
            print("\(process.spec.name): stopped (pid \(process.pid))")
        }
        home.removeState()
    }
}
