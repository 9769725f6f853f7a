import Bus
import Contracts
import Foundation
import Messages
import Synchronization

/// A contract desk that lies: an RPC server in the test process that answers `Review/ListDrafts`
/// and `Review/GetDraft` with one draft the test chose (for its `member` only) and records every
/// `Review/SignDraft` it receives instead of taking it. Its events endpoint answers catch-up
/// queries and publishes nothing, so an agent finds the draft by its sweep.
final class FakeDesk: Sendable {
    let server: RPCServer
    let publisher: EventPublisher
    private let state = State()
    private let serving: Task<Void, Never>

    init(member: MemberID) throws {
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        let publisher = try EventPublisher(endpoint: "tcp://127.0.0.1:*", source: "fake-review")
        publisher.serveCatchUp(on: server)
        self.server = server
        self.publisher = publisher
        let state = self.state
        server.register(ReviewAPI.listDrafts) { query, _ in
            state.listed.add(1, ordering: .relaxed)
            guard query.member == member, let record = state.draft.withLock({ $0 }) else { return DraftList(drafts: []) }
            return DraftList(drafts: [record])
        }
        server.register(ReviewAPI.getDraft) { query, _ in
            guard let record = state.draft.withLock({ $0 }), record.contractId == query.contractId else {
                throw ContractDeskError.noDraft(contractId: query.contractId)
            }
            return record
        }
        server.register(ReviewAPI.signDraft) { request, _ in
            state.received.withLock { $0.append(request) }
            guard let record = state.draft.withLock({ $0 }) else { throw ContractDeskError.noDraft(contractId: request.contractId) }
            return record
        }
        serving = Task { await server.run() }
    }

    var rpcEndpoint: String { server.endpoint }
    var eventsEndpoint: String { publisher.endpoint }

    /// The draft it hands out from now on.
    func serve(_ record: ContractDraftRecord) { state.draft.withLock { $0 = record } }

    /// Every `Review/SignDraft` received so far.
    var signatures: [SignDraftRequest] { state.received.withLock { $0 } }

    /// How many times it was asked for drafts.
    var listings: Int { state.listed.load(ordering: .relaxed) }

    func stop() async {
        server.shutdown()
        await serving.value
        publisher.close()
    }

    /// What the handlers share with the test.
    private final class State: Sendable {
        let draft = Mutex<ContractDraftRecord?>(nil)
        let received = Mutex<[SignDraftRequest]>([])
        let listed = Atomic<Int>(0)
    }
}
