import Bus
import Consensus
import LedgerKit
import Logging
import ServiceLifecycle

/// A data center without a seat (admitted by vote and not yet in force, or voted out) downloads
/// the chain from the data centers the chain records; the node checks every block against the
/// membership that certified it (`CatchUp`) and switches once the chain seats it. Seated, this
/// loop only looks every half second whether it still is.
struct CatchUpLoop: Service {
    let node: LedgerNode
    let maxMessageBytes: Int64
    let logger: Logger
    static let pause: Duration = .milliseconds(500)

    func run() async throws {
        try await untilGracefulShutdown { [self] in
            while true {
                if await node.followsChain {
                    for endpoint in await node.catchUpSources {
                        do {
                            try await download(from: endpoint)
                        } catch {
                            logger.debug("catch-up from a data center failed", metadata: ["ledger.peer": "\(endpoint)", "error": "\(error)"])
                        }
                        guard await node.followsChain else { break }
                    }
                }
                try await Task.sleep(for: Self.pause)
            }
        }
    }

    private func download(from endpoint: String) async throws {
        let client = try RPCClient(endpoint: endpoint, maxMessageBytes: maxMessageBytes)
        defer { client.close() }
        var from = await node.nextHeight
        while true {
            let blocks = try await client.call(LedgerAPI.getBlocks, BlockQuery(from: from), deadline: .seconds(5)).blocks
            switch await node.catchUp(blocks, after: from - 1) {
            case .continueFrom(let next): from = next
            case .done: return
            case .refused(let defect): throw CatchUpRefusal(endpoint: endpoint, defect: defect)
            }
        }
    }
}

/// A catch-up source sent a block that does not verify; the next source is tried.
struct CatchUpRefusal: Error, CustomStringConvertible {
    let endpoint: String
    let defect: ChainDefect

    var description: String { "block \(defect.height) from \(endpoint) does not verify: \(defect.problem)" }
}
