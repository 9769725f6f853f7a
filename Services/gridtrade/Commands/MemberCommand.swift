import ArgumentParser
import Auth
import Bus
import Credentials
import Foundation
import Messages

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Register, admit and inspect market members.",
        subcommands: [Register.self, Approve.self, Reject.self, Revoke.self, Show.self, List.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply for admission, signed with your key.")

        @OptionGroup var registry: RegistryOptions
        @Option(help: "Your private key (PEM).") var key: String
        @Option(help: "generator, consumer, trading_center, dispatch_center, grid_company or data_center.") var role: Role
        @Option(help: "Legal name.") var name: String
        @Option(help: "Unique licence or credit code.") var licence: String
        @Option(help: "Contact.") var contact: String
        @Option(help: "Bus of the network the member connects at (generators, consumers).") var bus: Int?
        @Option(help: "Generator: minimum output, MW.") var pmin: Double?
        @Option(help: "Generator: maximum output, MW.") var pmax: Double?
        @Option(help: "Generator: cost coefficient a (of a p² + b p + c).") var a: Double?
        @Option(help: "Generator: cost coefficient b.") var b: Double?
        @Option(help: "Generator: cost coefficient c.") var c: Double = 0
        @Option(help: "Generator: bid coefficient k > 1.") var k: Double?
        @Option(help: "Consumer: maximum demand, MW.") var maxDemandMw: Double?

        func run() async throws {
            let privateKey = try MemberKey.readPrivateKey(from: key)
            var request = RegisterRequest(role: role, legalName: name, licence: licence, contact: contact)
            switch role {
            case .generator:
                guard let bus, let pmin, let pmax, let a, let b, let k else {
                    throw ValidationError("a generator needs --bus, --pmin, --pmax, --a, --b and --k")
                }
                request.generator = GeneratorDetails(bus: bus, pmin: pmin, pmax: pmax, a: a, b: b, c: c, k: k)
            case .consumer:
                guard let bus, let maxDemandMw else { throw ValidationError("a consumer needs --bus and --max-demand-mw") }
                request.consumer = ConsumerDetails(bus: bus, maxDemandMw: maxDemandMw)
            default:
                break
            }
            let signer = MemberSigner(memberID: MemberIDs.derive(privateKey.publicKey), privateKey: privateKey, certificate: nil)
            _ = try await printReply(registry, RegistryAPI.register, request, signer: signer)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trading center: admit a member; the registry issues its certificate.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The member id.") var member: String

        func run() async throws {
            _ = try await printReply(registry, RegistryAPI.approve, MemberDecision(memberId: MemberID(member)), signer: signing.signer())
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trading center: refuse a pending member, with a reason.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The member id.") var member: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            _ = try await printReply(registry, RegistryAPI.reject, MemberDecision(memberId: MemberID(member), reason: reason), signer: signing.signer())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trading center: revoke an admitted member's certificate, with a reason.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The member id.") var member: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            _ = try await printReply(registry, RegistryAPI.revoke, MemberDecision(memberId: MemberID(member), reason: reason), signer: signing.signer())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a member; write its certificate to a file.")

        @OptionGroup var registry: RegistryOptions
        @Argument(help: "The member id.") var member: String
        @Option(help: "Write the member's certificate (PEM) here.") var certOut: String?
        @Option(help: "Write the trading center's CA certificate (PEM) here, for `openssl verify -CAfile`.") var caOut: String?

        func run() async throws {
            let shown = try await printReply(registry, RegistryAPI.getMember, MemberQuery(memberId: MemberID(member)))
            if let certOut {
                guard let certificate = shown.certificate else { throw Failure("member \(member) has no certificate (status \(shown.status.rawValue))") }
                try Data(certificate.utf8).write(to: URL(fileURLWithPath: certOut))
            }
            if let caOut {
                let client = try registry.client()
                defer { client.close() }
                let authority = try await client.call(RegistryAPI.getAuthority, Empty())
                try Data(authority.certificate.utf8).write(to: URL(fileURLWithPath: caOut))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List members, by role and status.")

        @OptionGroup var registry: RegistryOptions
        @Option(help: "Only this role.") var role: Role?
        @Option(help: "Only this status: pending, approved, rejected, revoked.") var status: MemberStatus?

        func run() async throws {
            _ = try await printReply(registry, RegistryAPI.listMembers, MemberListQuery(role: role, status: status))
        }
    }
}

extension Role: ExpressibleByArgument {}
extension MemberStatus: ExpressibleByArgument {}
