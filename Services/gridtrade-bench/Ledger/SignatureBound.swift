import Consensus
import Crypto
import Foundation
import Synchronization

/// The machine's bound for ledger work: P-256 signature verifications per second on all cores.
/// Every data center verifies every transaction's signature, so n data centers on this machine
/// commit at most (verifications/s) ÷ (signatures per transaction × n) transactions per second.
enum SignatureBound {
    static func verificationsPerSecond(seconds: Double = 1.0) -> Double {
        let transaction = P256TransactionVerifier.sign(payload: Data(repeating: 7, count: 300), with: P256.Signing.PrivateKey())
        let verifier = P256TransactionVerifier()
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let total = Mutex(0)
        let group = DispatchGroup()
        let deadline = Date().addingTimeInterval(seconds)
        let start = Date()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                var done = 0
                while Date() < deadline {
                    for _ in 0..<50 where verifier.isValid(transaction) { done += 1 }
                }
                total.withLock { $0 += done }
                group.leave()
            }
        }
        group.wait()
        return Double(total.withLock { $0 }) / Date().timeIntervalSince(start)
    }
}
