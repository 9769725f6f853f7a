import Consensus
import Contracts
import Credentials
import Foundation
import GridProtocol

/// What every data center checks before it orders a transaction, without the ledger's state: the
/// submitter's signature, the entry's shape, for a contract (or an amendment) every party's
/// signature and certificate chain to the trading center's CA, and for a member's note that the
/// CA issued its certificate for the submitter's key. One bad signature refuses the whole
/// transaction.
///
/// It depends on nothing that differs between honest data centers: not on a clock (whether a
/// certificate is valid when the transaction is recorded is the rules' question, at the block's
/// timestamp) and not on a data center's own view of the registry's revocations (the rules
/// apply the revocations the chain records, in ledger order). So two honest data centers never
/// disagree on a transaction here, and a backup never refuses an honest primary's batch over it.
/// The one exception is a data center that has not reached the registry for the CA yet: it
/// cannot check a contract or a member's note and answers 14 (unavailable), as one that is down.
public struct LedgerEntryCheck: TransactionVerifier {
    /// The CA's certificate cache; nil while the registry has not been reached (contracts and members' notes then wait: unavailable).
    let certificates: @Sendable () -> CertificateCache?
    let cache: LedgerEntryCache

    public init(certificates: @escaping @Sendable () -> CertificateCache?, cache: LedgerEntryCache? = nil) {
        self.certificates = certificates
        self.cache = cache ?? LedgerEntryCache(capacity: 1_000)
    }

    public func problem(_ transaction: Transaction) -> TransactionRejection? {
        guard cache.isSigned(transaction) else { return .invalidSignature }
        do {
            switch try cache.entry(of: transaction) {
            case nil, .vote: return nil
            case .contract(let contract):
                let document = try verify(contract)
                cache.remember(document, for: transaction.id)
            case .proposal(let proposal): try check(proposal)
            case .note(let note): try check(note, submittedBy: transaction.submitter)
            }
            return nil
        } catch let problem as ContractProblem {
            return TransactionRejection(problem)
        } catch let rejection as TransactionRejection {
            return rejection
        } catch {
            return TransactionRejection(code: .invalidArgument, reason: "\(error)")
        }
    }

    private func authority() throws -> CertificateCache {
        guard let certificates = certificates() else {
            throw TransactionRejection(code: .unavailable, reason: "this data center has not reached the registry for the CA yet; try again")
        }
        return certificates
    }

    /// The contract's signatures and certificate chains, at a time inside every party
    /// certificate's validity (the latest start): the CA's signatures and the parties' do not
    /// depend on time, so neither does this.
    @discardableResult
    private func verify(_ contract: SignedContract) throws -> ContractDocument {
        let certificates = try authority()
        // An unreadable certificate is refused by `ContractSigning.verify` below, whatever the time.
        let windows = contract.signatures.compactMap { try? cache.facts(of: $0.certificate) }
        let latestStart = windows.map(\.notValidBefore).max() ?? 0
        if let earliestEnd = windows.map(\.notValidAfter).min(), latestStart > earliestEnd {
            throw ContractProblem(.unauthenticated, "the parties' certificates are never all valid at one time")
        }
        return try ContractSigning.verify(contract, certificates: certificates, isRevoked: { _ in false }, now: Self.date(latestStart))
    }

    /// A member's note: its certificate is the CA's, for the submitter's key.
    private func check(_ note: MemberNote, submittedBy submitter: Data) throws {
        let certificates = try authority()
        guard Data(base64Encoded: note.data) != nil else { throw ContractProblem(.invalidArgument, "the note's data is not base64") }
        let facts = try cache.facts(of: note.certificate)
        guard facts.publicKey == submitter else {
            throw ContractProblem(.permissionDenied, "the note's certificate certifies another key than the transaction's submitter")
        }
        try cache.checkOnce(note.certificate) { () throws(ContractProblem) in
            do {
                let certificate = try CertificateDER.fromBase64(note.certificate)
                _ = try CertificateCheck.verify(certificate, caCertificate: certificates.authority, now: Self.date(facts.notValidBefore))
            } catch {
                throw ContractProblem(.permissionDenied, "the note's certificate is not a member certificate of the trading center's CA: \(error)")
            }
        }
    }

    private func check(_ proposal: Proposal) throws {
        switch proposal.action {
        case .amendContract(let contract): try verify(contract)
        case .admitDataCenter(let seat):
            guard seat.verificationKey != nil else {
                throw ContractProblem(.invalidArgument, "data_center.public_key must be base64 of an x9.63 P-256 public key")
            }
            guard !seat.name.isEmpty, !seat.endpoint.isEmpty else { throw ContractProblem(.invalidArgument, "data_center needs a name and an endpoint") }
        case .cancelContract(let id):
            guard !id.isEmpty else { throw ContractProblem(.invalidArgument, "contract_id is empty") }
        case .revokeMember(let id):
            guard !id.isEmpty else { throw ContractProblem(.invalidArgument, "member_id is empty") }
        case .removeDataCenter(let key):
            guard !key.isEmpty else { throw ContractProblem(.invalidArgument, "public_key is empty") }
        }
    }

    static func date(_ milliseconds: UInt64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }
}
