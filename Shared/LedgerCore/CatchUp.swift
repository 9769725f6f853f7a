import Consensus
import LedgerRules

/// How a data center without a seat follows the chain: one admitted by vote before its seat is in
/// force, or one voted out. It downloads blocks from the data centers the chain records and checks
/// each against the membership that certified it, as the chain itself records that membership
/// (so the rules are replayed block by block: a change passed in one block decides whose keys
/// certify blocks after its activation height). It stops once the chain seats it: from the next
/// block on, its own core orders with the others.
public enum CatchUp {
    /// Where to download from: every data center any recorded membership lists, each once, in a
    /// fixed order.
    public static func sources(memberships: [Membership]) -> [String] {
        Array(Set(memberships.flatMap(\.seats).map(\.endpoint))).sorted()
    }

    /// Checks `blocks` (a source's answer to "the blocks after `anchor`") one by one against
    /// `rules`, the rules at `anchor` (the shell's copy of them, recording events). Blocks are
    /// taken up to the first that does not verify, or up to the block that seats `ownKey`.
    public static func take(_ blocks: [CommittedBlock], after anchor: ChainAnchor, rules: LedgerRules, ownKey: String) -> CatchUpResult {
        var rules = rules
        var anchor = anchor
        var accepted: [AcceptedBlock] = []
        for block in blocks {
            let keys = rules.seats(at: block.height).compactMap(\.verificationKey)
            if case .failure(let defect) = ChainVerifier.verify(blocks: [block], verifier: P256SignatureVerifier(dataCenterKeys: keys), after: anchor) {
                return CatchUpResult(accepted: accepted, rules: rules, anchor: anchor, defect: defect, seated: false, next: nil)
            }
            accepted.append(AcceptedBlock(block: block, events: rules.apply(certified: block)))
            anchor = ChainAnchor(height: block.height, headerHash: block.block.header.hash)
            // Seated from the next block on: the core takes over from here.
            if Seating.ordering(after: block.height, memberships: rules.memberships, ownKey: ownKey).isSeated {
                return CatchUpResult(accepted: accepted, rules: rules, anchor: anchor, defect: nil, seated: true, next: nil)
            }
        }
        return CatchUpResult(accepted: accepted, rules: rules, anchor: anchor, defect: nil, seated: false, next: blocks.isEmpty ? nil : anchor.height + 1)
    }
}

/// A block catch-up took, with what it changed in the rules.
public struct AcceptedBlock: Sendable, Equatable {
    public let block: CommittedBlock
    public let events: [LedgerEvent]
}

/// What `CatchUp.take` decided about one batch of downloaded blocks.
public struct CatchUpResult: Sendable {
    /// The blocks that verified, in height order: to be stored, then announced.
    public let accepted: [AcceptedBlock]
    /// The rules after the accepted blocks: what the shell's copy becomes once they are stored.
    public let rules: LedgerRules
    /// The chain's tip after the accepted blocks.
    public let anchor: ChainAnchor
    /// The first block that did not verify: the rest of the batch is dropped, and the source is
    /// left for another.
    public let defect: ChainDefect?
    /// The chain seats this data center from the block after `anchor` on: download no more.
    public let seated: Bool
    /// The height to ask the same source for next; nil when done with it (seated, a defect, or
    /// nothing new there).
    public let next: UInt64?
}
