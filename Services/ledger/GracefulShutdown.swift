import ServiceLifecycle

/// Runs `loop` until graceful shutdown cancels it: cancellation is how such a loop stops; any
/// other error it throws stops the process.
func untilGracefulShutdown(_ loop: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(loop)
    } catch is CancellationError {
        return
    }
}
