import ServiceLifecycle

/// The turn loop, as a `Service`: every input of the node is handled here, one turn at a time.
/// A turn that throws (the store cannot be written) stops the data center.
struct TurnLoop: Service {
    let node: LedgerNode

    func run() async throws {
        do {
            // Graceful shutdown ends the loop between turns, never inside one.
            for await _ in node.mailbox.wakes.cancelOnGracefulShutdown() {
                try await node.turn(node.mailbox.drain())
            }
        } catch {
            await node.stop()
            throw error
        }
        await node.stop()
    }
}
