/// The membership a data center's signature on a consensus message names, besides the sender and
/// the message: so that nothing signed under one membership validates under another.
///
/// Why it is needed: a new membership restarts at view 0, an admission keeps every existing seat
/// index, and `Ledger/Deliver` takes messages from any connection. Without it, a view change from
/// the previous membership that carries no checkpoint and no prepared batch (nothing in it is
/// checked against the chain) is a valid view change of the next one, and so is a new-view built
/// from such view changes: a Byzantine primary holding them could start a view that forgets what
/// the new membership has prepared.
///
/// Why the base height, not a hash of the configuration: the base height (the last height the
/// previous membership ordered, 0 for the founders) is what the chain itself names a membership
/// by; every data center derives it from the same certified chain, it differs for every
/// membership of a chain (each starts above the last), it survives restarts, and the core already
/// holds it, so the shell passes nothing new. Which keys sign is bound already, by the verifier of
/// the membership. A hash of the whole configuration would also bind the timers and limits, which
/// are operators' settings: a data center with another view-change timeout would then silently
/// stop hearing its peers instead of merely timing differently.
///
/// What is bound: every message that counts toward a decision, pre-prepare, prepare, commit,
/// header vote, view change and new-view (and so the signed messages nested in view changes,
/// prepared certificates and new-views). Not bound: `status`, `fetch_blocks` and `blocks`. They
/// carry no vote, and a block is believed for its certificate alone, checked against the keys of
/// the membership that certified its height; and they must cross a switch: a data center that
/// certifies the last block of its membership after its peers have switched learns that it is
/// behind from their `status` and fetches that block from them. (A header vote's inner signature,
/// the one certificates keep, is over the header hash, and the header names its height, which
/// exactly one membership orders.)
public struct SigningDomain: Sendable, Hashable {
    /// The base height of the membership; nil only in the test-only unbound domain.
    public let membershipBase: UInt64?

    public init(membershipBase: UInt64) { self.membershipBase = membershipBase }

    private init(unbound: Void) { membershipBase = nil }

    /// TEST ONLY (`Configuration.unsafeUnboundMessages`): signatures that name no membership.
    public static let unbound = SigningDomain(unbound: ())
}

extension Message {
    /// Whether a signature on this message names the membership (see `SigningDomain`).
    public var isBoundToMembership: Bool {
        switch self {
        case .prePrepare, .prepare, .commit, .headerVote, .viewChange, .newView: true
        case .request, .status, .fetchBlocks, .blocks: false
        }
    }
}
