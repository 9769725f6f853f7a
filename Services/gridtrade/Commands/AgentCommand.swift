import ArgumentParser
import Logging
import ServiceLifecycle

/// `gridtrade agent`: the member's extension node, run until SIGINT or SIGTERM.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Follow the contract drafts that wait for your signature; with --auto-sign, sign exactly those whose terms are what you agreed to.",
        discussion: """
            Runs until SIGINT or SIGTERM. Each draft is opened with your key and compared with your confirmed order (or your round: \
            its offers and clearing) and the dispatch center's signed checks (docs/protocol.md, "Party consent"). With --auto-sign it \
            signs what agrees and logs each refusal with its reason; without, it prints each pending draft once, as a JSON line with \
            what it would decide.
            """
    )

    @OptionGroup var signing: SigningOptions
    @Flag(help: "Sign every draft whose terms are what you agreed to (and only those).") var autoSign = false
    @Option(help: "How often to look for drafts an event did not announce, in milliseconds.") var sweepMs = 2_000
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard sweepMs > 0 else { throw ValidationError("--sweep-ms must be positive") }
    }

    func run() async throws {
        let signer = try signing.signer()
        guard let certificate = signer.certificate, certificate.publicKey == .init(signer.privateKey.publicKey) else {
            throw Failure("--cert is not the certificate of --key's public key")
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "gridtrade.agent")
        let agent = MemberAgent(signer: signer, endpoints: pipeline.endpoints, autoSign: autoSign, logger: logger, sweepEvery: .milliseconds(sweepMs))
        let group = ServiceGroup(configuration: .init(services: [.init(service: agent)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
