import Auth
import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerRules
import Messages
import Testing

/// The trading center's CA and one certified member per contract role (generators on demand).
struct Members {
    let authority: CertificateAuthority
    let consumer: MemberSigner
    let generator: MemberSigner
    let gridCompany: MemberSigner
    let tradingCenter: MemberSigner
    let dispatchCenter: MemberSigner

    init() throws {
        let authority = try CertificateAuthority.create(now: Date())
        self.authority = authority
        consumer = try Self.member(authority, .consumer)
        generator = try Self.member(authority, .generator)
        gridCompany = try Self.member(authority, .gridCompany)
        tradingCenter = try Self.member(authority, .tradingCenter)
        dispatchCenter = try Self.member(authority, .dispatchCenter)
    }

    static func member(_ authority: CertificateAuthority, _ role: Role) throws -> MemberSigner {
        let key = P256.Signing.PrivateKey()
        let id = MemberIDs.derive(key.publicKey)
        return MemberSigner(memberID: id, privateKey: key, certificate: try authority.issue(memberID: id, role: role, publicKey: key.publicKey, now: Date()))
    }

    var signers: [MemberSigner] { [consumer, generator, gridCompany, tradingCenter, dispatchCenter] }

    var parties: [ContractParty] {
        zip(signers, [Role.consumer, .generator, .gridCompany, .tradingCenter, .dispatchCenter]).map { ContractParty(member: $0.memberID, role: $1) }
    }

    /// The contract of trade order `order` (`version` 1 unless amending), signed by every party.
    func contract(order: String, version: Int = 1, price: Double = 41.5) throws -> SignedContract {
        let terms = ContractTerms(
            contractId: ContractDocument.contractID(order: order), orderId: order, buyer: consumer.memberID,
            sellers: [SellerShare(member: generator.memberID, mwh: 200)], price: price, energyMwh: 200,
            monthlySplit: [MonthlyEnergy(month: "2099-01", mwh: 120), MonthlyEnergy(month: "2099-02", mwh: 80)],
            gridCompany: gridCompany.memberID, sellerBus: 2, buyerBus: 5,
            reviewDecision: String(repeating: "c", count: 64), securityCheck: String(repeating: "d", count: 64), salt: ContractDraft.salt()
        )
        let keys = Dictionary(uniqueKeysWithValues: signers.map { ($0.memberID, $0.privateKey.publicKey) })
        let draft = try ContractDraft.make(terms: terms, parties: parties, keys: keys, version: version, draftedAtMs: 1_700_000_000_000)
        return try signers.reduce(draft) { try ContractSigning.sign($0, by: $1) }
    }

    var certificates: CertificateCache { CertificateCache(authority: authority.certificate) }
}

/// A data center: its P-256 consensus key and the seat the membership lists for it.
struct DataCenter {
    let key: P256.Signing.PrivateKey
    let seat: DataCenterSeat

    init(_ number: Int) {
        key = P256.Signing.PrivateKey()
        seat = DataCenterSeat(name: "ledger-\(number)", publicKey: key.publicKey.x963Representation.base64EncodedString(), endpoint: "tcp://127.0.0.1:1")
    }

    static func founders(_ count: Int) -> [DataCenter] { (1...count).map(DataCenter.init) }
}

/// What a rejected transaction must leave as it was.
struct RecordedState: Equatable {
    let contracts: [String: ContractRecord]
    let proposals: [String: ProposalRecord]
    let revoked: Set<String>
    let memberships: [Membership]

    init(_ rules: LedgerRules) {
        contracts = rules.contracts
        proposals = rules.proposals
        revoked = rules.revoked
        memberships = rules.memberships
    }
}

/// Ledger rules with `count` founding data centers, fed one transaction per block unless told a height.
struct Chain {
    let dataCenters: [DataCenter]
    var rules: LedgerRules
    /// The height the last transaction was applied at.
    var height: UInt64 = 0
    /// Every transaction applied, where, and what the rules said: to replay them elsewhere.
    var log: [(Transaction, TransactionLocation)] = []

    init(dataCenters count: Int = 4, policy: GovernancePolicy = GovernancePolicy()) {
        dataCenters = DataCenter.founders(count)
        rules = LedgerRules(policy: policy, founders: dataCenters.map(\.seat))
    }

    static func transaction(_ entry: LedgerEntry, by key: P256.Signing.PrivateKey) -> Transaction {
        P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
    }

    /// The blocks' timestamp: now, when every fixture certificate is valid.
    var time = UInt64(Date().timeIntervalSince1970 * 1_000)

    /// Applies `transaction` at `height` (the next block by default, stamped `time`), index 0.
    @discardableResult
    mutating func apply(_ transaction: Transaction, at height: UInt64? = nil) -> TransactionRejection? {
        self.height = height ?? self.height + 1
        rules.enterBlock(height: self.height, timestamp: time)
        let location = TransactionLocation(height: self.height, index: 0)
        log.append((transaction, location))
        return rules.apply(transaction, at: location)
    }

    @discardableResult
    mutating func submit(_ entry: LedgerEntry, by key: P256.Signing.PrivateKey, at height: UInt64? = nil) -> TransactionRejection? {
        apply(Self.transaction(entry, by: key), at: height)
    }

    /// Records `contract`, which must be accepted.
    mutating func record(_ contract: SignedContract, sourceLocation: SourceLocation = #_sourceLocation) {
        let rejection = submit(.contract(contract), by: P256.Signing.PrivateKey())
        #expect(rejection == nil, sourceLocation: sourceLocation)
    }

    /// Opens a proposal by data center `by` (index), which must be accepted; returns its id.
    mutating func propose(_ action: ProposalAction, by proposer: Int = 0, at height: UInt64? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let transaction = Self.transaction(.proposal(Proposal(action: action, reason: "test", nonce: UUID().uuidString)), by: dataCenters[proposer].key)
        let rejection = apply(transaction, at: height)
        try #require(rejection == nil, "proposal refused: \(rejection?.reason ?? "")", sourceLocation: sourceLocation)
        return transaction.id.hex
    }

    @discardableResult
    mutating func vote(_ proposal: String, _ approve: Bool, by voter: Int, at height: UInt64? = nil) -> TransactionRejection? {
        submit(.vote(Vote(proposalId: proposal, approve: approve)), by: dataCenters[voter].key, at: height)
    }

    /// Votes yes by data centers `voters`, each of which must be accepted.
    mutating func approve(_ proposal: String, by voters: some Sequence<Int>, sourceLocation: SourceLocation = #_sourceLocation) {
        for voter in voters {
            let rejection = vote(proposal, true, by: voter)
            #expect(rejection == nil, "vote refused: \(rejection?.reason ?? "")", sourceLocation: sourceLocation)
        }
    }

    var state: RecordedState { RecordedState(rules) }
}
