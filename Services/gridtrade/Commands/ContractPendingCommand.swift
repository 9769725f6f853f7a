import ArgumentParser
import Bus
import Contracts
import Credentials
import Foundation
import Messages

extension ContractCommand {
    /// `gridtrade contract pending`: what the desk waits for you to sign.
    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The drafts waiting for your signature at the trading center's desk, each with the terms your copy opens to."
        )

        @OptionGroup var signing: SigningOptions
        @Option(help: "The review service's RPC endpoint (default: $GRIDTRADE_REVIEW, else tcp://127.0.0.1:7121).") var review: String?

        func run() async throws {
            let signer = try signing.signer()
            let client = try RPCClient(endpoint: review ?? ProcessInfo.processInfo.environment["GRIDTRADE_REVIEW"] ?? AgentEndpoints.local.review.rpc)
            defer { client.close() }
            var drafts: [OpenedDraft] = []
            var after: Int64 = 0
            let limit = 1_000
            while true {
                let page = try await call(client, ReviewAPI.listDrafts, DraftListQuery(member: signer.member, awaiting: true, afterSeq: after, limit: limit)).drafts
                drafts += page.map { OpenedDraft($0, as: signer) }
                guard page.count == limit, let last = page.last else { break }
                after = last.seq
            }
            try printJSON(OpenedDraftList(drafts: drafts))
        }
    }

    /// `gridtrade contract sign ID`: sign a draft at the desk.
    struct SignDraft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Open your copy of a draft at the trading center's desk, sign it and return the signature to the desk; print the terms and where the draft stands."
        )

        @Argument(help: "The contract id (ct-...).") var id: String
        @OptionGroup var signing: SigningOptions
        @Option(help: "The review service's RPC endpoint (default: $GRIDTRADE_REVIEW, else tcp://127.0.0.1:7121).") var review: String?

        func run() async throws {
            let signer = try signing.signer()
            guard let certificate = signer.certificate, certificate.publicKey == .init(signer.privateKey.publicKey) else {
                throw Failure("--cert is not the certificate of --key's public key")
            }
            let client = try RPCClient(endpoint: review ?? ProcessInfo.processInfo.environment["GRIDTRADE_REVIEW"] ?? AgentEndpoints.local.review.rpc)
            defer { client.close() }
            let draft = try await call(client, ReviewAPI.getDraft, DraftQuery(contractId: id))
            let terms: ContractTerms
            let signature: ContractSignature
            do {
                terms = try PartyConsent.open(draft.contract, as: signer).terms
                signature = try PartyConsent.signature(of: draft.contract, by: signer)
            } catch let problem as ContractProblem {
                throw Failure(problem.message)
            }
            guard draft.awaiting.contains(signer.member) else {
                try printJSON(SignedDraft(draft, terms: terms))
                throw Failure("\(id) is not waiting for the signature of \(signer.memberID) (status \(draft.status.rawValue))")
            }
            let record = try await call(client, ReviewAPI.signDraft, SignDraftRequest(contractId: id, signature: signature), signer: signer)
            try printJSON(SignedDraft(record, terms: terms))
        }
    }
}

/// A draft with the terms the member's copy opens to, or why it does not open.
struct OpenedDraft: Encodable {
    let contractId: String
    let seq: Int64
    let orderIds: [OrderID]
    let roundId: RoundID?
    let status: DraftStatus
    let awaiting: [MemberID]
    let document: ContractDocument?
    let terms: ContractTerms?
    let error: String?

    init(_ draft: ContractDraftRecord, as signer: MemberSigner) {
        contractId = draft.contractId
        seq = draft.seq
        orderIds = draft.orderIds
        roundId = draft.roundId
        status = draft.status
        awaiting = draft.awaiting
        do {
            let opened = try PartyConsent.open(draft.contract, as: signer)
            (document, terms, error) = (opened.document, opened.terms, nil)
        } catch {
            (document, terms, self.error) = (try? ContractSigning.document(of: draft.contract), nil, error.message)
        }
    }

    enum CodingKeys: String, CodingKey {
        case seq, status, awaiting, document, terms, error
        case contractId = "contract_id"
        case orderIds = "order_ids"
        case roundId = "round_id"
    }
}

struct OpenedDraftList: Encodable {
    let drafts: [OpenedDraft]
}

/// What `contract sign ID` prints: the terms signed and where the draft stands.
struct SignedDraft: Encodable {
    let contractId: String
    let status: DraftStatus
    let awaiting: [MemberID]
    let terms: ContractTerms

    init(_ record: ContractDraftRecord, terms: ContractTerms) {
        contractId = record.contractId
        status = record.status
        awaiting = record.awaiting
        self.terms = terms
    }

    enum CodingKeys: String, CodingKey {
        case status, awaiting, terms
        case contractId = "contract_id"
    }
}
