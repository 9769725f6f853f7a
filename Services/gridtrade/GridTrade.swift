import ArgumentParser
import Messages

@main
struct GridTrade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridtrade",
        abstract: "Run and inspect a GridTrade cluster.",
        version: GridTradeVersion.current,
        subcommands: [
            Up.self, DemoCommand.self, Status.self, Down.self, HealthCommand.self,
            Keygen.self, MemberCommand.self, PlanCommand.self, DemandCommand.self, GameCommand.self,
            OrderCommand.self, SecurityCheckCommand.self, LedgerCommand.self, ContractCommand.self, ProposeCommand.self, VoteCommand.self,
            ProposalsCommand.self, SimCommand.self, AgentCommand.self, LoadCommand.self,
        ]
    )
}
