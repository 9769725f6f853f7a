import ArgumentParser
import Messages

/// The benchmarks and their baselines, apart from the production CLI: they bring an etcd cluster,
/// raw libzmq and PYPOWER along, which `gridtrade` itself has no use for.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridtrade-bench",
        abstract: "Benchmarks, each beside its baseline in the same run.",
        version: GridTradeVersion.current,
        subcommands: [RPCBench.self, GameBench.self, PowerFlowBench.self, LedgerBench.self, ContractBench.self, PipelineBench.self]
    )
}
