import Contracts
import Foundation

/// What `gridtrade demo --json` prints:
/// `{"clearing_price", "shapley": {name: share}, "contracts": [{"id", "height", "parties"}],
///   "block_height", "proof_verified", "settlement": null}`.
struct DemoReport: Encodable, Sendable {
    struct Contract: Encodable, Sendable {
        struct Party: Encodable, Sendable {
            var member: String
            var role: String
            /// The account's name for it: consumer, GU1, grid company, trading center, ...
            var name: String
        }

        var id: String
        var height: UInt64
        var parties: [Party]
    }

    /// $/MWh, as the round's outcome holds it.
    var clearingPrice: Decimal
    /// Each serving generator's Shapley share, by the scenario's name (GU1, GU2, GU3).
    var shapley: [String: Double]
    var contracts: [Contract]
    /// The block whose header the verified Merkle proof leads to (the contract's block).
    var blockHeight: UInt64
    var proofVerified: Bool

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clearingPrice, forKey: .clearingPrice)
        try container.encode(shapley, forKey: .shapley)
        try container.encode(contracts, forKey: .contracts)
        try container.encode(blockHeight, forKey: .blockHeight)
        try container.encode(proofVerified, forKey: .proofVerified)
        // Null until the settlement service lands (metering, the settlement run, the statements).
        try container.encodeNil(forKey: .settlement)
    }

    enum CodingKeys: String, CodingKey {
        case shapley, contracts, settlement
        case clearingPrice = "clearing_price"
        case blockHeight = "block_height"
        case proofVerified = "proof_verified"
    }
}
