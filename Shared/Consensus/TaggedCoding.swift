import Foundation

// JSON for the two enums with payloads: {"type": "<snake_case kind>", "body": <payload>}, the
// shape a client in another language expects (Swift's own would be {"prePrepare": {"_0": …}}).

private enum TaggedKeys: String, CodingKey { case type, body }

extension Message {
    private enum Kind: String, Codable {
        case request, prepare, commit, status, blocks
        case prePrepare = "pre_prepare"
        case headerVote = "header_vote"
        case viewChange = "view_change"
        case newView = "new_view"
        case fetchBlocks = "fetch_blocks"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TaggedKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .request: self = .request(try container.decode(Transaction.self, forKey: .body))
        case .prePrepare: self = .prePrepare(try container.decode(PrePrepare.self, forKey: .body))
        case .prepare: self = .prepare(try container.decode(Vote.self, forKey: .body))
        case .commit: self = .commit(try container.decode(Vote.self, forKey: .body))
        case .headerVote: self = .headerVote(try container.decode(HeaderVote.self, forKey: .body))
        case .viewChange: self = .viewChange(try container.decode(ViewChange.self, forKey: .body))
        case .newView: self = .newView(try container.decode(NewView.self, forKey: .body))
        case .status: self = .status(try container.decode(Status.self, forKey: .body))
        case .fetchBlocks: self = .fetchBlocks(try container.decode(BlockRange.self, forKey: .body))
        case .blocks: self = .blocks(try container.decode([CommittedBlock].self, forKey: .body))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TaggedKeys.self)
        switch self {
        case .request(let body): try container.encode(Kind.request, forKey: .type); try container.encode(body, forKey: .body)
        case .prePrepare(let body): try container.encode(Kind.prePrepare, forKey: .type); try container.encode(body, forKey: .body)
        case .prepare(let body): try container.encode(Kind.prepare, forKey: .type); try container.encode(body, forKey: .body)
        case .commit(let body): try container.encode(Kind.commit, forKey: .type); try container.encode(body, forKey: .body)
        case .headerVote(let body): try container.encode(Kind.headerVote, forKey: .type); try container.encode(body, forKey: .body)
        case .viewChange(let body): try container.encode(Kind.viewChange, forKey: .type); try container.encode(body, forKey: .body)
        case .newView(let body): try container.encode(Kind.newView, forKey: .type); try container.encode(body, forKey: .body)
        case .status(let body): try container.encode(Kind.status, forKey: .type); try container.encode(body, forKey: .body)
        case .fetchBlocks(let body): try container.encode(Kind.fetchBlocks, forKey: .type); try container.encode(body, forKey: .body)
        case .blocks(let body): try container.encode(Kind.blocks, forKey: .type); try container.encode(body, forKey: .body)
        }
    }
}

extension PersistedRecord {
    private enum Kind: String, Codable {
        case transaction, prepared, snapshot
        case prePrepare = "pre_prepare"
        case viewChange = "view_change"
        case newView = "new_view"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TaggedKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .transaction: self = .transaction(try container.decode(Transaction.self, forKey: .body))
        case .prePrepare: self = .prePrepare(try container.decode(SignedMessage.self, forKey: .body))
        case .prepared: self = .prepared(try container.decode(PreparedCertificate.self, forKey: .body))
        case .viewChange: self = .viewChange(try container.decode(SignedMessage.self, forKey: .body))
        case .newView: self = .newView(try container.decode(SignedMessage.self, forKey: .body))
        case .snapshot: self = .snapshot(try container.decode(Snapshot.self, forKey: .body))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TaggedKeys.self)
        switch self {
        case .transaction(let body): try container.encode(Kind.transaction, forKey: .type); try container.encode(body, forKey: .body)
        case .prePrepare(let body): try container.encode(Kind.prePrepare, forKey: .type); try container.encode(body, forKey: .body)
        case .prepared(let body): try container.encode(Kind.prepared, forKey: .type); try container.encode(body, forKey: .body)
        case .viewChange(let body): try container.encode(Kind.viewChange, forKey: .type); try container.encode(body, forKey: .body)
        case .newView(let body): try container.encode(Kind.newView, forKey: .type); try container.encode(body, forKey: .body)
        case .snapshot(let body): try container.encode(Kind.snapshot, forKey: .type); try container.encode(body, forKey: .body)
        }
    }
}
