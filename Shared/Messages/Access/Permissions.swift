/// Who may call what: one table, role by method, enforced by every service through the shared
/// authenticator. A method missing here needs no signature (queries); `Registry/Register` is
/// signed with the key being registered and open to every role.
public enum Permissions {
    public static let table: [String: Set<Role>] = [
        RegistryAPI.register.name: Set(Role.allCases),
        RegistryAPI.approve.name: [.tradingCenter],
        RegistryAPI.reject.name: [.tradingCenter],
        RegistryAPI.revoke.name: [.tradingCenter],
        RegistryAPI.publishPlan.name: [.generator],
        RegistryAPI.publishDemand.name: [.consumer],
        MatchingAPI.createOrder.name: [.generator, .consumer],
        MatchingAPI.confirmOrder.name: [.generator, .consumer],
        MatchingAPI.rejectOrder.name: [.generator, .consumer],
        MatchingAPI.openRound.name: [.consumer],
        MatchingAPI.submitOffer.name: [.generator],
        // A trade's own parties have its contract drafted and countersigned (Shared/Contracts declares the methods).
        "Review/DraftContract": [.generator, .consumer],
        "Dispatch/SignContract": [.generator, .consumer],
        // Every party but the trading center, which signs as it drafts (the desk checks the signer is a party).
        "Review/SignDraft": [.generator, .consumer, .gridCompany, .dispatchCenter],
    ]

    public static func allows(_ role: Role, _ method: String) -> Bool { table[method]?.contains(role) ?? false }
}
