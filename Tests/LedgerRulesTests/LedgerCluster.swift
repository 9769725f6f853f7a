import Consensus
import Crypto
import Foundation
import LedgerRules

/// Four (or more) data centers' consensus cores with the ledger's rules, on a FIFO network in
/// virtual time: each with its own pre-order check and its own clock, as real data centers have.
struct LedgerCluster {
    static let start: UInt64 = 1_800_000_000_000

    let dataCenters: [DataCenter]
    var replicas: [Replica]
    /// Each data center's certified blocks, in order.
    var stores: [[CommittedBlock]]
    var rejections: [[TransactionID: TransactionRejection]]
    private var inFlight: [(to: Int, message: SignedMessage)] = []
    /// The true time; data center i reads `now + clockOffsets[i]`.
    var now = start
    let clockOffsets: [Int64]

    /// `checks[i]` is data center i's check before ordering.
    init(checks: [any TransactionVerifier], clockOffsets: [Int64]? = nil, policy: GovernancePolicy = GovernancePolicy()) {
        let count = checks.count
        let dataCenters = DataCenter.founders(count)
        self.dataCenters = dataCenters
        self.clockOffsets = clockOffsets ?? Array(repeating: 0, count: count)
        let configuration = Configuration(replicaCount: count, batchDelay: 5, viewChangeTimeout: 1_000, statusInterval: 100)
        let verifier = P256SignatureVerifier(dataCenterKeys: dataCenters.map(\.key.publicKey))
        replicas = (0..<count).map { index in
            Replica(
                configuration: configuration, id: ReplicaID(index), signer: P256MessageSigner(privateKey: dataCenters[index].key), verifier: verifier,
                transactionVerifier: checks[index], rules: LedgerRules(policy: policy, founders: dataCenters.map(\.seat))
            )
        }
        stores = Array(repeating: [], count: count)
        rejections = Array(repeating: [:], count: count)
    }

    var nodes: Range<Int> { replicas.indices }

    func clock(_ index: Int) -> UInt64 { UInt64(Int64(now) + clockOffsets[index]) }

    mutating func handle(_ input: Input, at index: Int) {
        let actions = replicas[index].handle(input)
        for action in actions {
            switch action {
            case let .send(to, message): inFlight.append((to.index, message))
            case let .broadcast(message): for peer in nodes where peer != index { inFlight.append((peer, message)) }
            case let .committed(block): stores[index].append(block)
            case let .transactionRejected(id, reason): rejections[index][id] = reason
            case let .loadBlocks(peer, range):
                let blocks = stores[index].filter { $0.height >= range.from && $0.height <= range.through }
                handle(.blocksLoaded(for: peer, blocks), at: index)
            default: continue
            }
        }
    }

    mutating func deliverAll() {
        while !inFlight.isEmpty {
            let (to, message) = inFlight.removeFirst()
            handle(.message(message), at: to)
        }
    }

    /// Advances the true time in 10 ms steps, ticking every data center by its own clock.
    mutating func run(for duration: UInt64) {
        let end = now + duration
        while now < end {
            now += 10
            for index in nodes { handle(.tick(nowMilliseconds: clock(index)), at: index) }
            deliverAll()
        }
    }

    mutating func submit(_ transaction: Transaction, to index: Int) {
        handle(.submit(transaction), at: index)
        deliverAll()
    }

    /// Where data center `index` stored the transaction, if it did.
    func location(of id: TransactionID, at index: Int) -> TransactionLocation? {
        for block in stores[index] {
            if let position = block.block.transactions.firstIndex(where: { $0.id == id }) { return TransactionLocation(height: block.height, index: position) }
        }
        return nil
    }

    func heights() -> [UInt64] { stores.map { $0.last?.height ?? 0 } }
}
