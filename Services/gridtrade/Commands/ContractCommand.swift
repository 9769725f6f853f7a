import ArgumentParser
import Auth
import Bus
import Contracts
import Credentials
import Foundation
import LedgerKit
import LedgerRules
import Messages

/// `gridtrade contract ...`: the drafts waiting for your signature at the trading center's desk and
/// signing them there; by hand, a contract file: draft a reviewed, checked order's contract, sign
/// it as a party, record it on the ledger; and reading recorded contracts back.
struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Draft, sign, record and read contracts (signed by every party: consumer, generator(s), grid company, trading center and dispatch center).",
        subcommands: [Pending.self, SignDraft.self, Draft.self, SignFile.self, Submit.self, Show.self, List.self]
    )

    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As the order's buyer or seller, have the trading center draft its contract and the dispatch center countersign it; write it to a file."
        )

        @Argument(help: "The trade order id.") var order: String
        @Option(help: "The grid company that carries the energy (member id).") var gridCompany: String
        @Option(help: "The review service's RPC endpoint.") var review: String = ProcessInfo.processInfo.environment["GRIDTRADE_REVIEW"] ?? "tcp://127.0.0.1:7121"
        @Option(help: "The dispatch service's RPC endpoint.") var dispatch: String = ProcessInfo.processInfo.environment["GRIDTRADE_DISPATCH"] ?? "tcp://127.0.0.1:7131"
        @Option(help: "Where to write the contract (JSON).") var out: String
        @OptionGroup var signing: SigningOptions

        func run() async throws {
            let signer = try signing.signer()
            let dispatchClient = try RPCClient(endpoint: dispatch)
            let reviewClient = try RPCClient(endpoint: review)
            defer {
                dispatchClient.close()
                reviewClient.close()
            }
            let check = try await call(dispatchClient, DispatchAPI.getResult, CheckQuery(orderId: OrderID(order)))
            let request = DraftContractRequest(orderId: OrderID(order), gridCompany: MemberID(gridCompany), securityCheck: check.statement)
            let draft = try await call(
                reviewClient, ReviewAPI.draftContract, request,
                signer: signer
            )
            let countersigned = try await call(dispatchClient, DispatchAPI.signContract, SignContractRequest(contract: draft), signer: signer)
            try ContractFile.write(countersigned, to: out)
            try printJSON(try ContractSigning.document(of: countersigned))
        }
    }

    struct SignFile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-file",
            abstract: "Open your copy of the terms in a contract file, check it against the hash every party signs, print it, and add your signature to the file."
        )

        @Argument(help: "The contract file from `gridtrade contract draft`.") var file: String
        @OptionGroup var signing: SigningOptions

        func run() async throws {
            let contract = try ContractFile.read(file)
            let signer = try signing.signer()
            guard let certificate = signer.certificate, certificate.publicKey == .init(signer.privateKey.publicKey) else {
                throw Failure("--cert is not the certificate of --key's public key")
            }
            do {
                try printJSON(try ContractDraft.read(contract, as: signer.memberID, key: signer.privateKey))
                try ContractFile.write(try ContractSigning.sign(contract, by: signer), to: file)
            } catch let problem as ContractProblem {
                throw Failure(problem.message)
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a fully signed contract to your data center and wait until it is committed."
        )

        @Argument(help: "The contract file.") var file: String
        @Option(help: "The key that signs the upload (any member's; the contract carries its own signatures).") var key: String
        @OptionGroup var ledger: LedgerOptions

        func run() async throws {
            let contract = try ContractFile.read(file)
            try printJSON(try await submit(.contract(contract), key: try MemberKey.readPrivateKey(from: key), to: ledger))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A recorded contract: its public part; with --key, your copy of the terms (only a party's key opens one)."
        )

        @Argument(help: "The contract id (ct-...).") var id: String
        @Option(help: "Your private key (PEM), to read the terms.") var key: String?
        @OptionGroup var ledger: LedgerOptions

        func run() async throws {
            let client = try ledger.client()
            defer { client.close() }
            let record = try await call(client, LedgerAPI.getContract, ContractQuery(contractId: id))
            guard let key else {
                try printJSON(PublicContract(record))
                return
            }
            let privateKey = try MemberKey.readPrivateKey(from: key)
            do {
                let terms = try ContractDraft.read(record.contract, as: MemberIDs.derive(privateKey.publicKey), key: privateKey)
                try printJSON(ReadContract(contract: PublicContract(record), terms: terms))
            } catch let problem as ContractProblem {
                printError(problem.message)
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recorded contracts (public parts), by member, delivery month and height.")

        @Option(help: "Only contracts naming this member.") var member: String?
        @Option(help: "Only contracts delivering in this delivery month (YYYY-MM).") var month: String?
        @Option(help: "Only contracts recorded or changed at or above this height.") var fromHeight: UInt64?
        @OptionGroup var ledger: LedgerOptions

        /// Follows the pages to the end.
        func run() async throws {
            let client = try ledger.client()
            defer { client.close() }
            var contracts: [PublicContract] = []
            var from = fromHeight
            var height: UInt64 = 0
            repeat {
                let list = try await call(client, LedgerAPI.listContracts, ContractListQuery(memberId: member, month: month, fromHeight: from))
                contracts += list.contracts.map(PublicContract.init)
                height = list.height
                from = list.nextFromHeight
            } while from != nil
            try printJSON(PublicContractList(contracts: contracts, height: height))
        }
    }
}

/// A contract file: the signed contract as JSON.
enum ContractFile {
    static func read(_ path: String) throws -> SignedContract {
        do {
            return try JSONDecoder().decode(SignedContract.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw Failure("\(path) is not a contract file: \(error)")
        }
    }

    static func write(_ contract: SignedContract, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(contract).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// What anyone may see of a recorded contract.
struct PublicContract: Encodable {
    let contractId: String
    let status: ContractStatus
    let document: ContractDocument
    let signers: [String]
    let height: UInt64
    let index: Int
    let transactionId: String
    let versions: [ContractVersion]

    init(_ record: ContractRecord) {
        contractId = record.contractId
        status = record.status
        document = record.document
        signers = record.contract.signatures.map(\.member)
        height = record.height
        index = record.index
        transactionId = record.transactionId
        versions = record.versions
    }

    enum CodingKeys: String, CodingKey {
        case status, document, signers, height, index, versions
        case contractId = "contract_id"
        case transactionId = "transaction_id"
    }
}

struct PublicContractList: Encodable {
    let contracts: [PublicContract]
    let height: UInt64
}

struct ReadContract: Encodable {
    let contract: PublicContract
    let terms: ContractTerms
}
