import Credentials
import Foundation
import LedgerKit
import Topology

/// A local cluster's data-center keys: on a first `gridtrade up`, each ledger node gets its own
/// key and every node the members file listing all of them (what `gridtrade ledger keygen` makes
/// for an operator to distribute).
enum LedgerKeys {
    /// Returns how many node keys it made (0 when every node already has its files).
    static func ensure(_ plan: [LocalProcess]) throws -> Int {
        let nodes = plan.filter { $0.executable == LocalPlan.ledgerExecutable }
            .sorted { LocalPlan.orderedNames($0.name, $1.name) }
        let files = nodes.compactMap { node -> (key: String, members: String)? in
            guard let key = node.environment["GRIDTRADE_LEDGER_KEY"], let members = node.environment["GRIDTRADE_LEDGER_MEMBERS"] else { return nil }
            return (key, members)
        }
        guard !files.isEmpty, files.count == nodes.count else { return 0 }
        let present = files.filter { FileManager.default.fileExists(atPath: $0.key) && FileManager.default.fileExists(atPath: $0.members) }
        if present.count == files.count {
            // The same members file everywhere, listing exactly these nodes.
            let listed = (try? DataCenterKeys.readMembers(from: files[0].members).count) ?? -1
            guard listed == files.count else {
                throw Failure("the data centers' keys list \(listed) data centers, this plan runs \(files.count): start the cluster with its original --data-centers")
            }
            return 0
        }
        guard present.isEmpty else {
            throw Failure("""
                ledger keys exist for \(present.count) of \(files.count) data centers: a cluster's membership is fixed when it is \
                created; start it with its original --data-centers, or remove every ledger data directory to begin a new chain
                """)
        }
        let keys = (0..<files.count).map { _ in MemberKey.generate() }
        let members = Data(DataCenterKeys.membersPEM(keys.map(\.publicKey)).utf8)
        for (key, paths) in zip(keys, files) {
            for path in [paths.key, paths.members] {
                try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            }
            try MemberKey.write(privateKey: key, to: paths.key)
            try members.write(to: URL(fileURLWithPath: paths.members))
        }
        return keys.count
    }
}
