import ArgumentParser
import Foundation
import Messages

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Generation plans.", subcommands: [Publish.self])

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generator: publish the MW range and cost and bid parameters for a delivery month.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var signing: SigningOptions
        @Option(help: "Delivery month, YYYY-MM.") var month: String
        @Option(help: "Least MW available.") var minMw: Double
        @Option(help: "Most MW available.") var maxMw: Double
        @Option(help: "Cost coefficient a.") var a: Double
        @Option(help: "Cost coefficient b.") var b: Double
        @Option(help: "Cost coefficient c.") var c: Double = 0
        @Option(help: "Bid coefficient k > 1.") var k: Double

        func run() async throws {
            let request = PublishPlanRequest(month: DeliveryMonth(month), minMw: minMw, maxMw: maxMw, a: a, b: b, c: c, k: k)
            _ = try await printReply(registry, RegistryAPI.publishPlan, request, signer: signing.signer())
        }
    }
}

struct DemandCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demand", abstract: "Consumers' demands.", subcommands: [Publish.self])

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consumer: publish the energy wanted in a delivery month and the highest price.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var signing: SigningOptions
        @Option(help: "Delivery month, YYYY-MM.") var month: String
        @Option(help: "Energy, MWh.") var mwh: Double
        @Option(help: "Highest price, $/MWh.", transform: PriceArgument.parse) var maxPrice: Decimal

        func run() async throws {
            let request = PublishDemandRequest(month: DeliveryMonth(month), mwh: mwh, maxPrice: maxPrice)
            _ = try await printReply(registry, RegistryAPI.publishDemand, request, signer: signing.signer())
        }
    }
}
