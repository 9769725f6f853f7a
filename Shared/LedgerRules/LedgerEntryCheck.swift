import Consensus
import Contracts
import Foundation
import GridProtocol

/// What every data center checks before it orders a transaction, without the ledger's state:
/// the submitter's signature, the entry's shape, and for a contract (or an amendment) every
/// party's signature, certificate chain to the trading center's CA and revocation status.
/// One bad signature refuses the whole transaction.
public struct LedgerEntryCheck: TransactionVerifier {
    /// The CA's certificate cache; nil while the registry has not been reached (contracts then wait: unavailable).
    let certificates: @Sendable () -> CertificateCache?
    let isRevoked: @Sendable (String) -> Bool
    let clock: @Sendable () -> Date
    let cache: LedgerEntryCache?

    public init(
        certificates: @escaping @Sendable () -> CertificateCache?, isRevoked: @escaping @Sendable (String) -> Bool,
        clock: @escaping @Sendable () -> Date = { Date() }, cache: LedgerEntryCache? = nil
    ) {
        self.cache = cache
        self.certificates = certificates
        self.isRevoked = isRevoked
        self.clock = clock
    }

    public func problem(_ transaction: Transaction) -> TransactionRejection? {
        guard P256TransactionVerifier.isSigned(transaction) else { return .invalidSignature }
        do {
            switch try (cache.map { try $0.entry(of: transaction) } ?? LedgerEntry.decode(transaction.payload)) {
            case nil, .vote: return nil
            case .contract(let contract):
                let document = try verify(contract)
                cache?.remember(document, for: transaction.id)
            case .proposal(let proposal): try check(proposal)
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

    @discardableResult
    private func verify(_ contract: SignedContract) throws -> ContractDocument {
        guard let certificates = certificates() else {
            throw TransactionRejection(code: .unavailable, reason: "this data center has not reached the registry for the CA yet; try again")
        }
        return try ContractSigning.verify(contract, certificates: certificates, isRevoked: isRevoked, now: clock())
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
}
