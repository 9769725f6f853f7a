import Messages
import PowerFlow

/// The case the dispatch center checks against: parsed, factorised once, and (with N-1) its
/// contingency table built once, shared by every delivery month's check.
///
/// Building it is CPU-heavy on a large case (one KLU solve per branch for N-1): callers build it
/// off the cooperative pool. Reading the case file is theirs too; this takes its text.
public struct DispatchNetwork: Sendable {
    public let identity: NetworkIdentity
    public let nMinus1: Bool
    public let summary: NetworkSummary
    /// A month with nothing on it yet: the base case.
    let empty: SecurityCheck

    /// - Parameters:
    ///   - caseText: a MATPOWER case file's text.
    ///   - identity: the case's name and the SHA-256 of the file's bytes, which every result cites.
    ///   - overloadThreshold: with N-1, see `SecurityCheck.overloadThreshold` (0...1).
    public init(
        caseText: String, identity: NetworkIdentity, nMinus1: Bool, overloadThreshold: Double = SecurityCheck.defaultOverloadThreshold
    ) throws {
        let data = try MatpowerCase(parsing: caseText)
        let network = try DCNetwork(case: data)
        empty = SecurityCheck(network: network, nMinus1: nMinus1, overloadThreshold: overloadThreshold)
        self.identity = identity
        self.nMinus1 = nMinus1
        summary = NetworkSummary(
            network: identity, buses: data.buses.count, branches: network.branches.count,
            limitedBranches: network.branches.filter { $0.inService && $0.limitMW != nil }.count, nMinus1: nMinus1
        )
    }
}
