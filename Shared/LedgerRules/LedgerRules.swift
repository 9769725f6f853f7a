import Consensus
import Contracts
import Foundation
import GridProtocol

/// The ledger's recorded state and the rules that change it: contracts, proposals, votes, the
/// members revoked by vote and the consensus membership. A pure, deterministic state machine: the
/// consensus core applies every committed transaction to it in block order (`ExecutionRules`),
/// and a transaction it refuses is left out of the block with nothing applied. It depends only on
/// the chain, so every data center (and anyone replaying the blocks) holds the same state.
///
/// What needs no state (signatures, certificate chains, the entry's shape) is checked before
/// ordering by `LedgerEntryCheck`; this checks what depends on what was recorded before, on who
/// the chain says is a data center, and on time: certificates are judged at the timestamp of the
/// block being applied (`enterBlock`), which every data center reads from the same header.
public struct LedgerRules: BlockTimedRules {
    public let policy: GovernancePolicy
    public private(set) var contracts: [String: ContractRecord] = [:]
    public private(set) var proposals: [String: ProposalRecord] = [:]
    /// Members whose signatures the data centers voted to refuse.
    public private(set) var revoked: Set<String> = []
    /// The founding membership first; a passed change appends the next one.
    public private(set) var memberships: [Membership]
    public private(set) var height: UInt64 = 0
    /// The timestamp of the block being applied (ms since the Unix epoch): the time certificates are judged at.
    public private(set) var blockTime: UInt64 = 0
    public private(set) var notes = 0
    /// Contract ids by member, in the order recorded.
    private var contractsByMember: [String: [String]] = [:]
    private var contractOrder: [String] = []
    private var proposalOrder: [String] = []
    /// Events since the last `takeEvents`, when `recordsEvents`.
    private var events: [LedgerEvent] = []
    private let recordsEvents: Bool
    /// Where decoded entries are shared (nil: decode each time). Never changes an outcome.
    private let cache: LedgerEntryCache?

    public init(policy: GovernancePolicy, founders: [DataCenterSeat], recordsEvents: Bool = false, cache: LedgerEntryCache? = nil) {
        self.cache = cache
        Swift.precondition(policy.problem == nil, policy.problem ?? "")
        self.policy = policy
        memberships = [Membership(after: 0, seats: founders)]
        self.recordsEvents = recordsEvents
    }

    public mutating func takeEvents() -> [LedgerEvent] {
        defer { events = [] }
        return events
    }

    /// The membership ordering the block at `height`.
    public func membership(ordering height: UInt64) -> Membership {
        Self.membership(ordering: height, in: memberships)
    }

    /// The membership of `memberships` (founders first, as the chain records them) ordering the block at `height`.
    public static func membership(ordering height: UInt64, in memberships: [Membership]) -> Membership {
        memberships.last { $0.after < height } ?? memberships.first ?? Membership(after: 0, seats: [])
    }

    /// The data centers ordering the block at `height`.
    public func seats(at height: UInt64) -> [DataCenterSeat] { membership(ordering: height).seats }

    public func seat(of key: Data, at height: UInt64) -> DataCenterSeat? {
        let encoded = key.base64EncodedString()
        return seats(at: height).first { $0.publicKey == encoded }
    }

    /// The last height of the current membership once a change is scheduled (see `ExecutionRules`).
    public var membershipEnd: UInt64? {
        memberships.last.flatMap { $0.after > 0 && $0.after >= height ? $0.after : nil }
    }

    /// A membership change passed but not yet in force at `height`.
    public func pendingMembership(at height: UInt64) -> Membership? {
        memberships.last.flatMap { $0.after >= height && $0.after > 0 ? $0 : nil }
    }

    // MARK: Applying

    public mutating func enterBlock(height: UInt64, timestamp: UInt64) {
        blockTime = timestamp
    }

    // Never inlined: Swift 6.3's optimizer crashes ("Found a leaked owned value", a caught typed
    // `ContractProblem`) when this is inlined into a loop over a block's transactions in a
    // release build, as `apply(certified:)` and `ChainAudit` have.
    @inline(never)
    public mutating func apply(_ transaction: Transaction, at location: TransactionLocation) -> TransactionRejection? {
        let height = location.height
        let entry: LedgerEntry?
        switch entryOf(transaction) {
        case .success(let decoded): entry = decoded
        case .failure(let problem): return TransactionRejection(problem)
        }
        // A refused transaction changes nothing, not even the clock of expiring proposals.
        if let problem = problem(with: entry, in: transaction, at: height, time: blockTime) { return problem }
        advance(to: height)
        let id = transaction.id.hex
        switch entry {
        case nil, .note:
            notes += 1
            return nil
        case .contract(let contract):
            return record(contract, in: transaction, at: location)
        case .proposal(let proposal):
            return open(proposal, id: id, by: transaction.submitter, at: location)
        case .vote(let vote):
            return cast(vote, by: transaction.submitter, height: height)
        }
    }

    /// Whether `transaction` would be refused if it were the next one applied (at `height`, in a
    /// block of timestamp `time`), without applying it: a data center asks this before ordering a
    /// client's transaction, so that what the recorded state already refuses costs no block.
    /// Execution checks again, since other transactions may be ordered first.
    public func problem(with transaction: Transaction, at height: UInt64, time: UInt64) -> TransactionRejection? {
        switch entryOf(transaction) {
        case .success(let entry): problem(with: entry, in: transaction, at: height, time: time)
        case .failure(let problem): TransactionRejection(problem)
        }
    }

    /// The transaction's entry, or why it is not one.
    private func entryOf(_ transaction: Transaction) -> Result<LedgerEntry?, ContractProblem> {
        do {
            return .success(try decode(transaction))
        } catch {
            return .failure(error)
        }
    }

    func problem(with entry: LedgerEntry?, in transaction: Transaction, at height: UInt64, time: UInt64) -> TransactionRejection? {
        let submitter = transaction.submitter
        switch entry {
        case nil:
            // An opaque note names no member: only a data center's key, which the chain records, may write one.
            guard seat(of: submitter, at: height) != nil else {
                return Self.refuse(
                    .permissionDenied,
                    "only members write to the ledger: a note needs a data center's key, or a note entry with the submitter's member certificate"
                )
            }
            return nil
        case .contract(let contract):
            guard let document = try? document(of: contract, in: transaction) else { return Self.refuse(.invalidArgument, "the contract document does not decode") }
            return contractProblem(document) ?? certificateProblem(contract, at: time)
        case .proposal(let proposal):
            if case .amendContract(let contract) = proposal.action, let problem = certificateProblem(contract, at: time) { return problem }
            return proposalProblem(proposal, by: submitter, at: height)
        case .vote(let vote):
            if case .failure(let problem) = voteCheck(vote, by: submitter, at: height) { return problem }
            return nil
        case .note(let note):
            return noteProblem(note, by: submitter, at: time)
        }
    }

    /// A member's note: the certificate is the submitter's (the CA issued it: checked before
    /// ordering), valid at `time`, and its member not revoked by the data centers' vote.
    private func noteProblem(_ note: MemberNote, by submitter: Data, at time: UInt64) -> TransactionRejection? {
        guard let facts = try? facts(of: note.certificate) else { return Self.refuse(.invalidArgument, "the note's certificate does not decode") }
        guard facts.publicKey == submitter else {
            return Self.refuse(.permissionDenied, "the note's certificate certifies another key than the transaction's submitter")
        }
        guard facts.isValid(at: time) else {
            return Self.refuse(.permissionDenied, "\(facts.memberID)'s certificate is not valid at \(time) (ms), the block's time")
        }
        guard !revoked.contains(facts.memberID) else { return Self.refuse(.permissionDenied, "\(facts.memberID) was revoked by the data centers' vote") }
        return nil
    }

    /// Every signer's certificate is valid at `time`, the block's timestamp.
    private func certificateProblem(_ contract: SignedContract, at time: UInt64) -> TransactionRejection? {
        for signature in contract.signatures {
            guard let facts = try? facts(of: signature.certificate) else {
                return Self.refuse(.invalidArgument, "the certificate of \(signature.member) does not decode")
            }
            guard facts.isValid(at: time) else {
                return Self.refuse(.unauthenticated, "the certificate of \(signature.member) is not valid at \(time) (ms), the block's time")
            }
        }
        return nil
    }

    private func facts(of certificate: String) throws(ContractProblem) -> CertificateFacts {
        if let cache { return try cache.facts(of: certificate) }
        return try CertificateFacts.read(base64: certificate)
    }

    private func document(of contract: SignedContract, in transaction: Transaction) throws(ContractProblem) -> ContractDocument {
        if let cache { return try cache.document(of: contract, in: transaction) }
        return try ContractSigning.document(of: contract)
    }

    private func decode(_ transaction: Transaction) throws(ContractProblem) -> LedgerEntry? {
        if let cache { return try cache.entry(of: transaction) }
        return try LedgerEntry.decode(transaction.payload)
    }

    /// Applies a certified block, as every copy of the rules outside the core does (the core
    /// applies a block's transactions as it executes them): what the block changed comes back as
    /// events when the rules record them. A certified block holds only transactions the rules took
    /// when they were executed, so none is refused here.
    public mutating func apply(certified block: CommittedBlock) -> [LedgerEvent] {
        let height = block.height
        enterBlock(height: height, timestamp: block.block.header.timestamp)
        advance(to: height)
        for (index, transaction) in block.block.transactions.enumerated() {
            _ = apply(transaction, at: TransactionLocation(height: height, index: index))
        }
        return takeEvents()
    }

    /// Expires proposals whose window closed before `height`.
    public mutating func advance(to height: UInt64) {
        guard height > self.height else { return }
        self.height = height
        for id in proposalOrder {
            guard var record = proposals[id], record.status == .open, height > record.openedAt + policy.votingWindow else { continue }
            record.status = .expired
            record.decidedAt = record.openedAt + policy.votingWindow
            proposals[id] = record
            emit(.proposalDecided(record))
        }
    }

    private mutating func emit(_ event: LedgerEvent) {
        if recordsEvents { events.append(event) }
    }

    private mutating func record(_ contract: SignedContract, in carrier: Transaction, at location: TransactionLocation) -> TransactionRejection? {
        let height = location.height
        let transaction = carrier.id.hex
        guard let document = try? document(of: contract, in: carrier) else { return Self.refuse(.invalidArgument, "the contract document does not decode") }
        if let problem = contractProblem(document) { return problem }
        let record = ContractRecord(
            contractId: document.contractId, document: document, contract: contract, status: .active, transactionId: transaction,
            height: height, index: location.index, versions: [ContractVersion(version: 1, transactionId: transaction, height: height)], cancelledBy: nil,
            updatedAt: height
        )
        contracts[document.contractId] = record
        contractOrder.append(document.contractId)
        for party in document.parties { contractsByMember[party.member, default: []].append(document.contractId) }
        emit(.contractCommitted(record))
        return nil
    }

    private func contractProblem(_ document: ContractDocument) -> TransactionRejection? {
        if let existing = contracts[document.contractId] {
            return Self.refuse(.alreadyExists, "contract \(document.contractId) is already recorded at height \(existing.height); change it by proposal")
        }
        guard document.version == 1 else { return Self.refuse(.invalidArgument, "a new contract is version 1; later versions come by an amend_contract proposal") }
        return revokedSigner(of: document)
    }

    /// Permission denied when one of the document's parties was revoked by vote.
    private func revokedSigner(of document: ContractDocument) -> TransactionRejection? {
        guard let party = document.parties.first(where: { revoked.contains($0.member) }) else { return nil }
        return Self.refuse(.permissionDenied, "\(party.member) was revoked by the data centers' vote")
    }

    private func proposalProblem(_ proposal: Proposal, by submitter: Data, at height: UInt64) -> TransactionRejection? {
        guard seat(of: submitter, at: height) != nil else {
            return Self.refuse(.permissionDenied, "only a data center of the current membership may propose")
        }
        return precondition(for: proposal.action, at: height)
    }

    private mutating func open(_ proposal: Proposal, id: String, by submitter: Data, at location: TransactionLocation) -> TransactionRejection? {
        let height = location.height
        if let problem = proposalProblem(proposal, by: submitter, at: height) { return problem }
        guard let proposer = seat(of: submitter, at: height) else { return nil }
        let electorate = seats(at: height).count
        let record = ProposalRecord(
            proposalId: id, proposal: proposal, proposer: proposer.name, openedAt: height, index: location.index, electorate: electorate,
            required: policy.required(of: electorate), votes: [], status: .open, decidedAt: nil, activatesAfter: nil
        )
        proposals[id] = record
        proposalOrder.append(id)
        emit(.proposalOpened(record))
        return nil
    }

    /// Whether the action still makes sense against what is recorded (checked when proposed and
    /// again when it passes, since other proposals may have passed in between).
    private func precondition(for action: ProposalAction, at height: UInt64) -> TransactionRejection? {
        switch action {
        case .cancelContract(let contractId):
            guard let record = contracts[contractId] else { return Self.refuse(.notFound, "no contract \(contractId) is recorded") }
            guard record.status == .active else { return Self.refuse(.failedPrecondition, "contract \(contractId) is already cancelled") }
        case .amendContract(let contract):
            guard let document = try? ContractSigning.document(of: contract) else { return Self.refuse(.invalidArgument, "the amended contract does not decode") }
            guard let record = contracts[document.contractId] else { return Self.refuse(.notFound, "no contract \(document.contractId) is recorded") }
            guard record.status == .active else { return Self.refuse(.failedPrecondition, "contract \(document.contractId) is cancelled") }
            guard document.version == record.document.version + 1 else {
                return Self.refuse(.failedPrecondition, "the amendment must be version \(record.document.version + 1) of \(document.contractId)")
            }
            if let problem = revokedSigner(of: document) { return problem }
        case .revokeMember(let member):
            guard !revoked.contains(member) else { return Self.refuse(.alreadyExists, "\(member) is already revoked") }
        case .admitDataCenter(let seat):
            if let problem = membershipChangeProblem(at: height) { return problem }
            guard !seats(at: height).contains(where: { $0.publicKey == seat.publicKey || $0.name == seat.name }) else {
                return Self.refuse(.alreadyExists, "data center \(seat.name) (or its key) is already a member")
            }
        case .removeDataCenter(let key):
            if let problem = membershipChangeProblem(at: height) { return problem }
            let current = seats(at: height)
            guard current.contains(where: { $0.publicKey == key }) else { return Self.refuse(.notFound, "no data center has that key") }
            guard current.count > 4 else { return Self.refuse(.failedPrecondition, "4 data centers are the fewest that tolerate a Byzantine fault; none can be removed") }
        }
        return nil
    }

    private func membershipChangeProblem(at height: UInt64) -> TransactionRejection? {
        if let pending = pendingMembership(at: height) {
            return Self.refuse(.failedPrecondition, "a membership change takes effect after height \(pending.after); propose the next one after it")
        }
        return nil
    }

    /// The voter and the proposal, or why the vote is refused.
    private func voteCheck(_ vote: Vote, by submitter: Data, at height: UInt64) -> Result<(DataCenterSeat, ProposalRecord), TransactionRejection> {
        guard let voter = seat(of: submitter, at: height) else {
            return .failure(Self.refuse(.permissionDenied, "only a data center of the current membership may vote"))
        }
        guard let record = proposals[vote.proposalId] else { return .failure(Self.refuse(.notFound, "no proposal \(vote.proposalId)")) }
        guard seats(at: record.openedAt).contains(where: { $0.publicKey == voter.publicKey }) else {
            return .failure(Self.refuse(.permissionDenied, "\(voter.name) joined after proposal \(vote.proposalId) opened; its electorate votes"))
        }
        if record.status == .open, height > record.openedAt + policy.votingWindow {
            return .failure(Self.refuse(.failedPrecondition, "proposal \(vote.proposalId) expired after height \(record.openedAt + policy.votingWindow)"))
        }
        guard record.status == .open else {
            return .failure(Self.refuse(.failedPrecondition, "proposal \(vote.proposalId) is \(record.status.rawValue) since height \(record.decidedAt ?? 0)"))
        }
        guard !record.votes.contains(where: { $0.dataCenter == voter.name }) else {
            return .failure(Self.refuse(.alreadyExists, "\(voter.name) has already voted on proposal \(vote.proposalId)"))
        }
        return .success((voter, record))
    }

    private mutating func cast(_ vote: Vote, by submitter: Data, height: UInt64) -> TransactionRejection? {
        let voter: DataCenterSeat
        var record: ProposalRecord
        switch voteCheck(vote, by: submitter, at: height) {
        case .failure(let problem): return problem
        case .success(let found): (voter, record) = found
        }
        let cast = CastVote(proposalId: vote.proposalId, dataCenter: voter.name, approve: vote.approve, height: height)
        record.votes.append(cast)
        emit(.voteCast(cast))
        if record.yes >= record.required {
            if precondition(for: record.proposal.action, at: height) != nil {
                // Overtaken (the contract was cancelled by another proposal, say): it cannot pass.
                record.status = .rejected
                record.decidedAt = height
                proposals[vote.proposalId] = record
                emit(.proposalDecided(record))
                return nil
            }
            record.status = .passed
            record.decidedAt = height
            record.activatesAfter = carryOut(record, height: height)
            proposals[vote.proposalId] = record
            emit(.proposalDecided(record))
        } else if record.yes + (record.electorate - record.votes.count) < record.required {
            record.status = .rejected
            record.decidedAt = height
            proposals[vote.proposalId] = record
            emit(.proposalDecided(record))
        } else {
            proposals[vote.proposalId] = record
        }
        return nil
    }

    /// Applies a passed proposal; returns the activation height of a membership change.
    private mutating func carryOut(_ record: ProposalRecord, height: UInt64) -> UInt64? {
        let proposal = record.proposalId
        switch record.proposal.action {
        case .cancelContract(let contractId):
            contracts[contractId]?.status = .cancelled
            contracts[contractId]?.cancelledBy = proposal
            contracts[contractId]?.updatedAt = height
        case .amendContract(let contract):
            guard let document = try? ContractSigning.document(of: contract) else { return nil }
            contracts[document.contractId]?.document = document
            contracts[document.contractId]?.contract = contract
            contracts[document.contractId]?.transactionId = proposal
            // The amended contract is recorded in the proposal's transaction: that is what a proof points at.
            contracts[document.contractId]?.height = record.openedAt
            contracts[document.contractId]?.index = record.index
            contracts[document.contractId]?.updatedAt = height
            contracts[document.contractId]?.versions.append(ContractVersion(version: document.version, transactionId: proposal, height: record.openedAt))
            for party in document.parties where !(contractsByMember[party.member] ?? []).contains(document.contractId) {
                contractsByMember[party.member, default: []].append(document.contractId)
            }
        case .revokeMember(let member):
            revoked.insert(member)
        case .admitDataCenter(let seat):
            let after = policy.activationHeight(decidedAt: height)
            memberships.append(Membership(after: after, seats: seats(at: height) + [seat]))
            return after
        case .removeDataCenter(let key):
            let after = policy.activationHeight(decidedAt: height)
            memberships.append(Membership(after: after, seats: seats(at: height).filter { $0.publicKey != key }))
            return after
        }
        return nil
    }

    static func refuse(_ code: StatusCode, _ reason: String) -> TransactionRejection { TransactionRejection(code: code, reason: reason) }

    // MARK: Queries

    /// Contracts naming `member` (all if nil), whose delivery period includes `month` (YYYY-MM,
    /// all if nil), recorded or changed at or above `fromHeight`, in the order first recorded.
    public func contracts(member: String?, month: String?, fromHeight: UInt64) -> [ContractRecord] {
        let ids = member.map { contractsByMember[$0] ?? [] } ?? contractOrder
        return ids.compactMap { contracts[$0] }.filter { record in
            record.updatedAt >= fromHeight
                && month.map { record.document.periodStart <= $0 && $0 <= record.document.periodEnd } ?? true
        }
    }

    public func proposalList(fromHeight: UInt64) -> [ProposalRecord] {
        proposalOrder.compactMap { proposals[$0] }.filter { $0.openedAt >= fromHeight || ($0.decidedAt ?? 0) >= fromHeight }
    }
}
