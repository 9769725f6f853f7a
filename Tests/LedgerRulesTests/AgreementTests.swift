import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerRules
import Messages
import Synchronization
import Testing

/// Issue 13, item 5: honest data centers agree on a transaction's validity before ordering it,
/// whatever their own view of the registry's revocations and whatever their clocks read.
@Suite("Agreement before ordering: validity depends only on what every data center shares")
struct AgreementTests {
    /// Data center `index`'s check before ordering, when its own registry feed lists `revoked`
    /// and its clock reads the cluster's time plus `offset`. (Before issue 13 the check took both:
    /// `LedgerEntryCheck(certificates:isRevoked:clock:)`; now it takes neither, which is the point.)
    static func check(_ members: Members, revokedInItsFeed revoked: Set<String>, clockOffset offset: Int64, cluster: @escaping @Sendable () -> UInt64) -> LedgerEntryCheck {
        let cache = members.certificates
        return LedgerEntryCheck(certificates: { cache })
    }

    @Test("data centers whose registry feeds differ on a party's revocation still order the contract alike, and the chain moves on")
    func revocationFeedsDiffer() throws {
        let members = try Members()
        let revoked: Set<String> = [members.consumer.memberID]
        // Two data centers have heard of the registry's revocation, two not yet.
        let time = Clock(LedgerCluster.start)
        var cluster = LedgerCluster(checks: [
            Self.check(members, revokedInItsFeed: [], clockOffset: 0, cluster: time.read),
            Self.check(members, revokedInItsFeed: [], clockOffset: 0, cluster: time.read),
            Self.check(members, revokedInItsFeed: revoked, clockOffset: 0, cluster: time.read),
            Self.check(members, revokedInItsFeed: revoked, clockOffset: 0, cluster: time.read),
        ])
        let contract = P256TransactionVerifier.sign(payload: LedgerEntry.contract(try members.contract(order: "o-1")).encoded(), with: P256.Signing.PrivateKey())
        cluster.run(for: 50)
        cluster.submit(contract, to: 0)
        for _ in 0..<300 {
            cluster.run(for: 10)
            time.set(cluster.now)
        }
        let places = cluster.nodes.map { cluster.location(of: contract.id, at: $0) }
        #expect(places.allSatisfy { $0 != nil && $0 == places[0] }, "the contract is stored at \(places); heights \(cluster.heights())")
    }

    @Test("data centers whose clocks straddle a party's certificate expiry (within the allowed skew) still order the contract alike")
    func clocksStraddleExpiry() throws {
        let expiry = Date(timeIntervalSince1970: Double(LedgerCluster.start) / 1_000 + 2)
        let members = try Members.withConsumer(validUntil: expiry)
        let time = Clock(LedgerCluster.start)
        // Two data centers' clocks run 3 s ahead: past the certificate's end, within the 5 s skew a pre-prepare may have.
        var cluster = LedgerCluster(
            checks: [0, 0, 3_000, 3_000].map { Self.check(members, revokedInItsFeed: [], clockOffset: $0, cluster: time.read) },
            clockOffsets: [0, 0, 3_000, 3_000]
        )
        let contract = P256TransactionVerifier.sign(payload: LedgerEntry.contract(try members.contract(order: "o-2")).encoded(), with: P256.Signing.PrivateKey())
        cluster.run(for: 50)
        time.set(cluster.now)
        cluster.submit(contract, to: 0)
        for _ in 0..<300 {
            cluster.run(for: 10)
            time.set(cluster.now)
        }
        let places = cluster.nodes.map { cluster.location(of: contract.id, at: $0) }
        #expect(places.allSatisfy { $0 != nil && $0 == places[0] }, "the contract is stored at \(places); heights \(cluster.heights())")
    }
}

extension AgreementTests {
    @Test("a revocation takes effect in ledger order: a contract ordered before the deciding vote is recorded at every data center, one after it refused (7) at every one")
    func revocationInLedgerOrder() throws {
        let members = try Members()
        var cluster = LedgerCluster(checks: (0..<4).map { _ in LedgerEntryCheck(certificates: { [cache = members.certificates] in cache }) })
        cluster.run(for: 50)
        func submit(_ entry: LedgerEntry, by key: P256.Signing.PrivateKey, to node: Int) -> Transaction {
            let transaction = P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
            cluster.submit(transaction, to: node)
            cluster.run(for: 300)
            return transaction
        }
        let before = submit(.contract(try members.contract(order: "o-1")), by: P256.Signing.PrivateKey(), to: 1)
        let proposal = submit(.proposal(Proposal(action: .revokeMember(memberId: members.consumer.memberID), reason: "registry")), by: cluster.dataCenters[0].key, to: 0)
        for voter in 0..<3 { _ = submit(.vote(Vote(proposalId: proposal.id.hex, approve: true)), by: cluster.dataCenters[voter].key, to: voter) }
        let after = submit(.contract(try members.contract(order: "o-2")), by: P256.Signing.PrivateKey(), to: 2)
        for node in cluster.nodes {
            #expect(cluster.location(of: before.id, at: node) != nil, "data center \(node) lacks the earlier contract")
            #expect(cluster.location(of: after.id, at: node) == nil)
            #expect(cluster.rejections[node][after.id]?.code == .permissionDenied, "data center \(node) did not refuse the later contract at execution")
        }
        #expect(cluster.stores.map { $0.map(\.certificate.headerHash) }.allSatisfy { $0 == cluster.stores[0].map(\.certificate.headerHash) })
    }
}

/// The cluster's true time, readable from the checks' clocks.
final class Clock: Sendable {
    private let value: Atomic<UInt64>
    init(_ start: UInt64) { value = Atomic(start) }
    func set(_ now: UInt64) { value.store(now, ordering: .relaxed) }
    var read: @Sendable () -> UInt64 { { self.value.load(ordering: .relaxed) } }
}

extension Members {
    /// Members whose consumer's certificate ends at `validUntil` (whole seconds).
    static func withConsumer(validUntil: Date) throws -> Members {
        let members = try Members()
        let key = P256.Signing.PrivateKey()
        let id = MemberIDs.derive(key.publicKey)
        let start = validUntil.addingTimeInterval(-3_600)
        let certificate = try members.authority.issue(memberID: id, role: .consumer, publicKey: key.publicKey, now: start, validity: 3_600)
        return Members(
            authority: members.authority, consumer: MemberSigner(memberID: id, privateKey: key, certificate: certificate), generator: members.generator,
            gridCompany: members.gridCompany, tradingCenter: members.tradingCenter, dispatchCenter: members.dispatchCenter
        )
    }

    init(
        authority: CertificateAuthority, consumer: MemberSigner, generator: MemberSigner, gridCompany: MemberSigner,
        tradingCenter: MemberSigner, dispatchCenter: MemberSigner
    ) {
        self.authority = authority
        self.consumer = consumer
        self.generator = generator
        self.gridCompany = gridCompany
        self.tradingCenter = tradingCenter
        self.dispatchCenter = dispatchCenter
    }
}
