import ArgumentParser
import Foundation
import Messages

/// Where a member's agent reaches the services it follows: the registry (the CA), review (the
/// contract desk: drafts and their events), matching (orders and rounds) and dispatch (checks).
struct AgentEndpoints: Sendable, Equatable {
    var registry: String
    var review: Upstream
    var matching: String
    var dispatch: String

    init(registry: String, review: Upstream, matching: String, dispatch: String) {
        self.registry = registry
        self.review = review
        self.matching = matching
        self.dispatch = dispatch
    }

    /// The one table of default endpoints (`ServiceName.defaultEndpoints`): a cluster on this host.
    static let local = AgentEndpoints(
        registry: ServiceName.registry.defaultEndpoints.rpc, review: ServiceName.review.defaultEndpoints,
        matching: ServiceName.matching.defaultEndpoints.rpc, dispatch: ServiceName.dispatch.defaultEndpoints.rpc
    )

    /// A service's events endpoint by the port table's convention: the RPC port + 1 on the same host.
    static func events(besideRPC rpc: String) -> String? {
        guard let colon = rpc.lastIndex(of: ":"), let port = Int(rpc[rpc.index(after: colon)...]) else { return nil }
        return "\(rpc[..<colon]):\(port + 1)"
    }
}

/// The endpoints of the pipeline's services, each from its flag, else its environment variable
/// (`GRIDTRADE_REVIEW`, `GRIDTRADE_REVIEW_EVENTS`, `GRIDTRADE_MATCHING`, `GRIDTRADE_DISPATCH`), else
/// the default port table.
struct PipelineOptions: ParsableArguments {
    @Option(help: "The review service's RPC endpoint (default: $GRIDTRADE_REVIEW, else tcp://127.0.0.1:7121).")
    var review: String?

    @Option(help: "The review service's events endpoint (default: $GRIDTRADE_REVIEW_EVENTS, else the review RPC endpoint's port + 1).")
    var reviewEvents: String?

    @Option(help: "The matching service's RPC endpoint (default: $GRIDTRADE_MATCHING, else tcp://127.0.0.1:7111).")
    var matching: String?

    @Option(help: "The dispatch service's RPC endpoint (default: $GRIDTRADE_DISPATCH, else tcp://127.0.0.1:7131).")
    var dispatch: String?

    @OptionGroup var registry: RegistryOptions

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    var reviewEndpoint: String { review ?? Self.environment["GRIDTRADE_REVIEW"] ?? AgentEndpoints.local.review.rpc }

    var endpoints: AgentEndpoints {
        let rpc = reviewEndpoint
        let events = reviewEvents ?? Self.environment["GRIDTRADE_REVIEW_EVENTS"] ?? AgentEndpoints.events(besideRPC: rpc) ?? AgentEndpoints.local.review.events
        return AgentEndpoints(
            registry: registry.endpoint, review: Upstream(rpc: rpc, events: events),
            matching: matching ?? Self.environment["GRIDTRADE_MATCHING"] ?? AgentEndpoints.local.matching,
            dispatch: dispatch ?? Self.environment["GRIDTRADE_DISPATCH"] ?? AgentEndpoints.local.dispatch
        )
    }
}
