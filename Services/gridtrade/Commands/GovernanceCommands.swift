import ArgumentParser
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules

/// Options every data center's governance command shares: its consensus key and where to send.
struct DataCenterOptions: ParsableArguments {
    @Option(help: "The data center's own key (node-K.pem): proposals and votes are signed with it.") var key: String
    @OptionGroup var ledger: LedgerOptions

    func privateKey() throws -> P256.Signing.PrivateKey { try MemberKey.readPrivateKey(from: key) }
}

/// `gridtrade propose ...`: a data center proposes a change to recorded data.
struct ProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Propose a change to recorded data; the data centers vote on it (gridtrade vote).",
        discussion: "Recorded blocks are never rewritten: a passed proposal is itself recorded, and its effect applies from its block on.",
        subcommands: [CancelContract.self, AmendContract.self, RevokeMember.self, AdmitDataCenter.self, RemoveDataCenter.self]
    )

    static func send(_ action: ProposalAction, reason: String, _ options: DataCenterOptions) async throws {
        let proposal = Proposal(action: action, reason: reason, nonce: UUID().uuidString)
        let outcome = try await submit(.proposal(proposal), key: try options.privateKey(), to: options.ledger)
        try printJSON(ProposalLine(proposalId: outcome.transactionId, height: outcome.height))
    }

    struct CancelContract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel-contract", abstract: "Propose to cancel a recorded contract.")
        @Argument(help: "The contract id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: DataCenterOptions
        func run() async throws { try await ProposeCommand.send(.cancelContract(contractId: id), reason: reason, options) }
    }

    struct AmendContract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "amend-contract", abstract: "Propose a new version of a contract, signed again by all its parties (a contract file)."
        )
        @Argument(help: "The amended contract file (version + 1, every party's signature).") var file: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: DataCenterOptions
        func run() async throws { try await ProposeCommand.send(.amendContract(try ContractFile.read(file)), reason: reason, options) }
    }

    struct RevokeMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-member", abstract: "Propose that the ledger refuse a member's signatures from now on.")
        @Argument(help: "The member id.") var member: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: DataCenterOptions
        func run() async throws { try await ProposeCommand.send(.revokeMember(memberId: member), reason: reason, options) }
    }

    struct AdmitDataCenter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "admit-data-center", abstract: "Propose a new data center for the consensus membership.")
        @Option(help: "Its instance name, e.g. ledger-5.") var name: String
        @Option(help: "Its public key (PEM file).") var publicKey: String
        @Option(help: "Its RPC endpoint.") var endpoint: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: DataCenterOptions
        func run() async throws {
            let key = try MemberKey.loadPublicKey(pem: String(contentsOfFile: publicKey, encoding: .utf8))
            let seat = DataCenterSeat(name: name, publicKey: key.x963Representation.base64EncodedString(), endpoint: endpoint)
            try await ProposeCommand.send(.admitDataCenter(seat), reason: reason, options)
        }
    }

    struct RemoveDataCenter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-data-center", abstract: "Propose to remove a data center from the consensus membership.")
        @Option(help: "Its public key (PEM file).") var publicKey: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: DataCenterOptions
        func run() async throws {
            let key = try MemberKey.loadPublicKey(pem: String(contentsOfFile: publicKey, encoding: .utf8))
            try await ProposeCommand.send(.removeDataCenter(publicKey: key.x963Representation.base64EncodedString()), reason: reason, options)
        }
    }
}

struct ProposalLine: Encodable {
    let proposalId: String
    let height: UInt64?

    enum CodingKeys: String, CodingKey {
        case height
        case proposalId = "proposal_id"
    }
}

/// `gridtrade vote PROPOSAL --yes|--no`.
struct VoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vote", abstract: "A data center's vote on a proposal (once per proposal).")

    @Argument(help: "The proposal id.") var proposal: String
    @Flag(help: "Approve or reject.") var approve: Choice
    @OptionGroup var options: DataCenterOptions

    enum Choice: EnumerableFlag {
        case yes, no
    }

    func run() async throws {
        let outcome = try await submit(.vote(Vote(proposalId: proposal, approve: approve == .yes)), key: try options.privateKey(), to: options.ledger)
        try printJSON(outcome)
        let client = try options.ledger.client()
        defer { client.close() }
        try printJSON(try await call(client, LedgerAPI.getProposal, ProposalQuery(proposalId: proposal)))
    }
}

/// `gridtrade proposals`.
struct ProposalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proposals", abstract: "Proposals with their votes and outcome.")

    @Option(help: "Only proposals opened or decided at or above this height.") var fromHeight: UInt64?
    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let client = try ledger.client()
        defer { client.close() }
        try printJSON(try await call(client, LedgerAPI.listProposals, ProposalListQuery(fromHeight: fromHeight)))
    }
}
