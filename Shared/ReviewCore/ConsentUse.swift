import Messages

/// One signed request a party sent, named by its signer and nonce: a signed request is used once
/// (the services refuse a replayed nonce), so this names it.
public struct ConsentKey: Hashable, Sendable {
    public var member: MemberID
    public var nonce: String

    public init(member: MemberID, nonce: String) {
        self.member = member
        self.nonce = nonce
    }

    public init(_ evidence: PartySignature) { self.init(member: evidence.member, nonce: evidence.nonce) }
}

/// What an approved order used a party's signed request for. Once the review has relied on a
/// signature it backs that order (or round) alone: any other order presenting it is refused.
public enum ConsentUse: Hashable, Sendable, CustomStringConvertible {
    /// A bilateral order's creation or confirmation, a generator's offer in the order it sells by.
    case order(OrderID)
    /// A consumer's opening of a round: it backs every order of that one round.
    case round(RoundID)

    /// As stored: `order:<id>` or `round:<id>`.
    public var stored: String {
        switch self {
        case .order(let id): "order:\(id)"
        case .round(let id): "round:\(id)"
        }
    }

    public var description: String {
        switch self {
        case .order(let id): "order \(id)"
        case .round(let id): "round \(id)"
        }
    }

    public init?(_ stored: String) {
        if stored.hasPrefix("order:") {
            self = .order(OrderID(String(stored.dropFirst(6))))
        } else if stored.hasPrefix("round:") {
            self = .round(RoundID(String(stored.dropFirst(6))))
        } else {
            return nil
        }
    }
}

/// What consent rules found: the reasons to refuse, and the uses to record if the order is approved.
struct ConsentFindings {
    var reasons: [String] = []
    var claims: [ConsentKey: ConsentUse] = [:]

    /// Claims `use` for `evidence`, or gives the reason it is already spent on something else.
    mutating func claim(_ evidence: PartySignature, for use: ConsentUse, side: String, earlier: [ConsentKey: ConsentUse]) {
        let key = ConsentKey(evidence)
        if let before = earlier[key], before != use {
            reasons.append("the \(side)'s signed \(evidence.method) (nonce \(evidence.nonce)) already backs \(before), not this \(use)")
        } else {
            claims[key] = use
        }
    }
}
