import Credentials
import Crypto
import Foundation
import GridProtocol
import Messages
import X509

/// What the trading center knows when a party asks it to draft an order's contract
/// (`Review/DraftContract`), gathered by the review service.
public struct DraftRequestFacts: Sendable {
    public var request: DraftContractRequest
    /// The authenticated caller.
    public var caller: MemberID
    /// The trading center's stored decision of the order, if it reviewed it.
    public var review: SignedReviewDecision?
    /// The trading center as a signer, once the registry certified it.
    public var drafter: MemberSigner?
    /// The registry's CA certificate, once fetched.
    public var authority: Certificate?
    public var now: Date

    public init(
        request: DraftContractRequest, caller: MemberID, review: SignedReviewDecision?, drafter: MemberSigner?, authority: Certificate?, now: Date
    ) {
        self.request = request
        self.caller = caller
        self.review = review
        self.drafter = drafter
        self.authority = authority
        self.now = now
    }
}

/// A draft request the trading center takes: the approved decision, the dispatch center's
/// verified check, and the five parties. What is left to gather is each party's registry record.
public struct DraftPlan: Sendable {
    public let review: SignedReviewDecision
    public let check: SecurityCheckResult
    /// The check's signed statement, whose exact payload the terms cite.
    public let checkStatement: SignedStatement
    public let gridCompany: MemberID
    public let drafter: MemberSigner
    public let authority: Certificate
    /// Consumer, generator, grid company, trading center, dispatch center: the order drafts list them in.
    public let parties: [ContractParty]

    /// The parties whose registry records (and revocations) the draft needs: all but the drafter.
    public var membersToLookUp: [MemberID] {
        var seen = Set<MemberID>()
        return parties.map { MemberID($0.member) }.filter { $0 != drafter.member && seen.insert($0).inserted }
    }
}

/// The trading center's drafting rules: from an approved decision and the dispatch center's
/// signed check, terms sealed to every party (to its certified key) and signed by the trading
/// center. Pure: the clock and the salt come in; nothing is stored (a draft never recorded is forgotten).
public enum ContractDrafting {
    /// Whether the request can be drafted, and for whom. In order: the desk can sign, the order
    /// was reviewed, the caller is its buyer or seller, it was approved, the check is the dispatch
    /// center's word, for this order, and carries some of it.
    public static func admit(_ facts: DraftRequestFacts) throws(ContractDeskError) -> DraftPlan {
        let orderId = facts.request.orderId
        guard let drafter = facts.drafter, let authority = facts.authority else { throw .notSigning(.tradingCenter) }
        guard let review = facts.review else { throw .neverReviewed(orderId: orderId) }
        let order = review.decision.order
        guard facts.caller == order.buyer || facts.caller == order.seller else { throw .notBuyerOrSeller(orderId: orderId, act: .drafted) }
        guard review.decision.status == .approved else { throw .rejectedInReview(orderId: orderId, reasons: review.decision.reasons) }
        let check: SecurityCheckResult
        do {
            check = try StatementSignature.verify(
                facts.request.securityCheck, as: SecurityCheckResult.self, kind: SignedStatement.Kind.securityCheck, role: .dispatchCenter,
                authority: authority, now: facts.now
            )
        } catch {
            throw .checkRefused(reason: "\(error)")
        }
        guard check.order == orderId else { throw .checkOfOtherOrder(checked: check.order, requested: orderId) }
        guard check.status != .rejected, check.acceptedMwh > 0 else { throw .refusedOnNetwork(orderId: orderId, act: .drafted) }
        // The contract keeps member ids as strings: the ledger reads it.
        let parties = [
            ContractParty(member: order.buyer.rawValue, role: .consumer), ContractParty(member: order.seller.rawValue, role: .generator),
            ContractParty(member: facts.request.gridCompany.rawValue, role: .gridCompany), ContractParty(member: drafter.memberID, role: .tradingCenter),
            ContractParty(member: check.checker.rawValue, role: .dispatchCenter),
        ]
        return DraftPlan(
            review: review, check: check, checkStatement: facts.request.securityCheck, gridCompany: facts.request.gridCompany, drafter: drafter,
            authority: authority, parties: parties
        )
    }

    /// The signed draft.
    /// - Parameters:
    ///   - members: the registry's record of each of `plan.membersToLookUp` it knows.
    ///   - revoked: those of them the registry revoked.
    ///   - salt: 32 random bytes, hex (`ContractDraft.salt()`), so the public hash hides the terms.
    public static func draft(
        _ plan: DraftPlan, members: [MemberID: Member], revoked: Set<MemberID>, now: Date, salt: String
    ) throws(ContractDeskError) -> SignedContract {
        let terms = ContractTerms.of(
            decision: plan.review.decision, check: plan.check, gridCompany: plan.gridCompany,
            reviewPayload: Data(base64Encoded: plan.review.statement.payload) ?? Data(),
            checkPayload: Data(base64Encoded: plan.checkStatement.payload) ?? Data(), salt: salt
        )
        return try seal(terms, parties: plan.parties, drafter: plan.drafter, authority: plan.authority, members: members, revoked: revoked, now: now)
    }

    /// Terms sealed to every party's certified key, listed in a document the drafter signs.
    /// - Parameters:
    ///   - members: the registry's record of every party but the drafter.
    ///   - revoked: those of them the registry revoked.
    public static func seal(
        _ terms: ContractTerms, parties: [ContractParty], drafter: MemberSigner, authority: Certificate, members: [MemberID: Member],
        revoked: Set<MemberID>, now: Date
    ) throws(ContractDeskError) -> SignedContract {
        var keys: [String: P256.Signing.PublicKey] = [drafter.memberID: drafter.privateKey.publicKey]
        for party in parties where keys[party.member] == nil {
            keys[party.member] = try certifiedKey(of: party, member: members[MemberID(party.member)], revoked: revoked, authority: authority, now: now)
        }
        do {
            let draft = try ContractDraft.make(terms: terms, parties: parties, keys: keys, draftedAtMs: now.unixMilliseconds)
            return try ContractSigning.sign(draft, by: drafter)
        } catch let problem as ContractProblem {
            throw .contract(problem)
        } catch {
            throw .cannotSign("\(error)")
        }
    }

    /// The party's key from its certificate, if the registry has it approved in that role, not
    /// revoked, with a certificate the CA issued to that member in that role.
    static func certifiedKey(
        of party: ContractParty, member: Member?, revoked: Set<MemberID>, authority: Certificate, now: Date
    ) throws(ContractDeskError) -> P256.Signing.PublicKey {
        guard let member else { throw .notAMember(party) }
        guard member.role == party.role else { throw .wrongRole(party, actual: member.role) }
        guard member.status == .approved, !revoked.contains(MemberID(party.member)), let pem = member.certificate,
              let certified = try? CertificateCheck.verify(pem: pem, caCertificate: authority, now: now),
              certified.identity.memberID.rawValue == party.member, certified.identity.role == party.role
        else { throw .noValidCertificate(party) }
        return certified.key
    }
}
