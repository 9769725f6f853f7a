import Crypto
import DispatchCore
import Foundation
import Messages
import ServiceKit

/// The network's one owner in the process: the case, read once, and the load of every order
/// placed so far. The decisions are `DispatchRules`'; this runs them off the cooperative pool (an
/// N-1 check on a large case takes seconds) and keeps the load a placement returns once its
/// result is stored. Only the review follower places, one order at a time.
actor NetworkDesk {
    nonisolated let network: DispatchNetwork
    private var load: NetworkLoad

    private init(network: DispatchNetwork, load: NetworkLoad) {
        self.network = network
        self.load = load
    }

    /// Reads and factorises the case and stacks the stored results on it again, in their order.
    /// A case that does not load, or that no longer gives the stored results, is a settings error:
    /// the network must carry what was accepted before, and on another case file that cannot be known.
    static func open(casePath: String, nMinus1: Bool, overloadThreshold: Double, replaying stored: [SecurityCheckResult]) async throws -> NetworkDesk {
        do {
            let (network, load) = try await OffPool.run {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: casePath))
                let identity = NetworkIdentity(
                    name: URL(fileURLWithPath: casePath).deletingPathExtension().lastPathComponent,
                    sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                )
                let network = try DispatchNetwork(caseText: String(decoding: bytes, as: UTF8.self), identity: identity, nMinus1: nMinus1,
                                                  overloadThreshold: overloadThreshold)
                return (network, try DispatchRules.replay(stored, on: network))
            }
            return NetworkDesk(network: network, load: load)
        } catch let mismatch as ReplayMismatch {
            throw SettingsError("dispatch.case: \(mismatch)")
        } catch {
            throw SettingsError("dispatch.case '\(casePath)': \(error)")
        }
    }

    /// Where the order would go on the network now; nothing changes until `keep`.
    func place(_ trade: TradeOnNetwork, sellerBus: Int?, buyerBus: Int?) async throws -> Placement {
        let (load, network) = (self.load, self.network)
        return try await OffPool.run { DispatchRules.place(trade, sellerBus: sellerBus, buyerBus: buyerBus, on: load, network: network) }
    }

    /// Stacks a placement whose result is stored.
    func keep(_ placement: Placement) { load = placement.load }
}
