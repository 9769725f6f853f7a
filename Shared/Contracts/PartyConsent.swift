import Crypto
import Foundation
import Messages

/// Whether a party signs a draft: `.sign`, or `.refuse` naming the first thing that differs from
/// what the party itself agreed to.
public enum ConsentDecision: Sendable, Equatable {
    case sign
    case refuse(reason: String)
}

/// A security check whose statement the caller verified (`StatementSignature.verify`, kind
/// `security-check`, role `dispatch_center`): the result as signed and the exact payload bytes,
/// whose SHA-256 the terms cite.
public struct VerifiedCheck: Sendable, Equatable {
    public let result: SecurityCheckResult
    public let payload: Data

    public init(result: SecurityCheckResult, payload: Data) {
        self.result = result
        self.payload = payload
    }

    /// A check the dispatch center signed and stored itself: its result read from the signed
    /// payload (not from the copy beside it). Nil if the payload is not base64 of a result.
    public init?(_ signed: SignedSecurityCheck) {
        guard let payload = Data(base64Encoded: signed.statement.payload),
              let result = try? JSONDecoder().decode(SecurityCheckResult.self, from: payload)
        else { return nil }
        self.init(result: result, payload: payload)
    }

    /// Lowercase hex SHA-256 of the payload: what `security_check` of the terms must say.
    public var hash: String { SHA256.hash(data: payload).hexString }
}

/// What a party agreed to, gathered by its caller (the member's agent, or the dispatch service):
/// - a consumer or generator of a bilateral order: its own `order` (confirmed, carrying its own
///   signed request) and the dispatch center's verified check of it in `checks`;
/// - a consumer or generator of a round: the cleared `round` (offers and outcome) and the
///   verified checks of the round's orders;
/// - a grid company: the verified checks of the contract's orders;
/// - the dispatch center: its own stored checks of the contract's orders.
public struct ConsentFacts: Sendable {
    public var order: TradeOrder?
    public var round: Round?
    /// Verified security checks, by the order they check.
    public var checks: [OrderID: VerifiedCheck]

    public init(order: TradeOrder? = nil, round: Round? = nil, checks: [VerifiedCheck] = []) {
        self.order = order
        self.round = round
        self.checks = Dictionary(checks.map { ($0.result.order, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A party's consent rule (docs/protocol.md, "Party consent"): it signs a draft only if the terms
/// its own sealed copy opens to say exactly what it agreed to. Pure: the caller opens the copy
/// (`ContractDraft.read`), gathers and verifies the facts; nothing here reads a clock or a socket.
public enum PartyConsent {
    /// MWh within which two energies are the same (the checks' own tolerance).
    static let energyTolerance = 1e-6
    /// $ within which a Shapley share is the same as the round's.
    static let shapleyTolerance = 1e-6

    /// - Parameters:
    ///   - terms: the terms as this party's copy reads them.
    ///   - document: the draft's public document.
    ///   - member, role: who the party is (its certificate).
    public static func decide(terms: ContractTerms, document: ContractDocument, member: MemberID, role: Role, facts: ConsentFacts) -> ConsentDecision {
        do throws(ConsentRefusal) {
            try ContractForm.check(terms, document, member: member, role: role)
            switch role {
            case .consumer, .generator:
                if terms.roundId != nil || terms.allocation != nil {
                    try RoundConsent.check(terms, member: member, role: role, facts: facts, dispatchCenter: document.dispatchCenter)
                } else {
                    try OrderConsent.check(terms, member: member, role: role, facts: facts, dispatchCenter: document.dispatchCenter)
                }
            case .gridCompany:
                guard terms.gridCompany == member.rawValue else {
                    throw ConsentRefusal("the grid company of the terms is \(terms.gridCompany), not \(member)")
                }
                try CheckedEnergy.check(terms, checks: facts.checks, dispatchCenter: document.dispatchCenter)
            case .dispatchCenter:
                // Its own checks: the ones it signed as this dispatch center.
                try CheckedEnergy.check(terms, checks: facts.checks, dispatchCenter: member.rawValue)
            case .tradingCenter, .dataCenter:
                throw ConsentRefusal("a \(role.rawValue) does not sign drafts as a party through consent")
            }
            return .sign
        } catch {
            return .refuse(reason: error.reason)
        }
    }
}

/// Why a party refuses, for the log and the caller.
struct ConsentRefusal: Error {
    let reason: String

    init(_ reason: String) { self.reason = reason }
}

extension ContractDocument {
    /// The member the document names as its dispatch center, if exactly one.
    var dispatchCenter: String? {
        let named = parties.filter { $0.role == .dispatchCenter }
        return named.count == 1 ? named[0].member : nil
    }
}

/// Two energies (MWh) are the same within the tolerance, relative for large ones.
func sameEnergy(_ lhs: Double, _ rhs: Double) -> Bool {
    abs(lhs - rhs) <= PartyConsent.energyTolerance * max(1, abs(lhs), abs(rhs))
}
