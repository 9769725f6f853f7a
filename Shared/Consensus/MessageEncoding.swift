/// Canonical encodings of consensus messages (what `SignedMessage` signatures cover).
///
/// A message is a one-byte case tag then its fields, in declaration order, with the rules of
/// `CanonicalEncoder`: request 1 (transaction), pre-prepare 2 (u64 view, u64 sequence, batch),
/// prepare 3 and commit 4 (u64 view, u64 sequence, [32] digest), header vote 5 (u64 height,
/// [32] header hash, bytes signature), view change 6 (u64 new view, optional checkpoint proof,
/// list of prepared certificates), new view 7 (u64 view, list of signed view changes, list of
/// signed pre-prepares), status 8 (u64 view, u8 active, u64 executed, u64 certified),
/// fetch 9 (u64 from, u64 through), blocks 10 (list of committed blocks). A nested signed
/// message is u32 sender, message, bytes signature.
extension Message: CanonicallyEncodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .request(let transaction):
            encoder.u8(1)
            transaction.encode(to: &encoder)
        case .prePrepare(let proposal):
            encoder.u8(2)
            encoder.u64(proposal.view)
            encoder.u64(proposal.sequence)
            proposal.batch.encode(to: &encoder)
        case .prepare(let vote):
            encoder.u8(3)
            vote.encode(to: &encoder)
        case .commit(let vote):
            encoder.u8(4)
            vote.encode(to: &encoder)
        case .headerVote(let vote):
            encoder.u8(5)
            encoder.u64(vote.height)
            encoder.hash(vote.headerHash)
            encoder.data(vote.signature)
        case .viewChange(let change):
            encoder.u8(6)
            encoder.u64(change.newView)
            encoder.optional(change.checkpoint) { $1.encode(to: &$0) }
            encoder.list(change.prepared) { $1.encode(to: &$0) }
        case .newView(let newView):
            encoder.u8(7)
            encoder.u64(newView.view)
            encoder.list(newView.viewChanges) { $1.encode(to: &$0) }
            encoder.list(newView.prePrepares) { $1.encode(to: &$0) }
        case .status(let status):
            encoder.u8(8)
            encoder.u64(status.view)
            encoder.bool(status.viewActive)
            encoder.u64(status.executedHeight)
            encoder.u64(status.certifiedHeight)
        case .fetchBlocks(let range):
            encoder.u8(9)
            encoder.u64(range.from)
            encoder.u64(range.through)
        case .blocks(let blocks):
            encoder.u8(10)
            encoder.list(blocks) { $1.encode(to: &$0) }
        }
    }
}

extension Vote: CanonicallyEncodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.u64(view)
        encoder.u64(sequence)
        encoder.hash(digest)
    }
}

extension SignedMessage: CanonicallyEncodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.u32(UInt32(truncatingIfNeeded: sender.index))
        message.encode(to: &encoder)
        encoder.data(signature)
    }
}

extension PreparedCertificate: CanonicallyEncodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        prePrepare.encode(to: &encoder)
        encoder.list(prepares) { $1.encode(to: &$0) }
    }
}
