import Auth
import Credentials
import Foundation
import Topology

/// A local cluster's trading center: the registry admits it from a public key file and the
/// review service signs with its private key. On a first `gridtrade up` neither exists, so `up`
/// makes the pair (an operator of a real market brings its own key instead).
enum TradingCenterKey {
    /// Returns the trading center's member id when it made the pair, nil when there was nothing to do.
    static func ensure(_ plan: [LocalProcess]) throws -> (memberID: String, privateKeyPath: String)? {
        guard let publicPath = plan.first(where: { $0.executable == "registry" })?.environment["GRIDTRADE_TRADING_CENTER_KEY"],
              let privatePath = plan.first(where: { $0.executable == "review" })?.environment["GRIDTRADE_SIGNING_KEY"],
              !FileManager.default.fileExists(atPath: publicPath)
        else { return nil }
        for path in [publicPath, privatePath] {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        }
        let key = FileManager.default.fileExists(atPath: privatePath) ? try MemberKey.readPrivateKey(from: privatePath) : MemberKey.generate()
        try MemberKey.write(privateKey: key, to: privatePath)
        try Data(MemberKey.publicKeyPEM(key.publicKey).utf8).write(to: URL(fileURLWithPath: publicPath))
        return (MemberIDs.derive(key.publicKey), privatePath)
    }
}
