import MatchingCore
import Messages
import Synchronization

/// The last few rounds the review cleared, so the orders of one round (one per generator of its
/// coalition) run the game once, not once each. A hit needs the very same rebuilt round.
final class RecentClearings: Sendable {
    static let capacity = 16

    private let recent = Mutex<[(round: Round, clearing: RoundRules.Clearing)]>([])

    func clear(_ round: Round) -> RoundRules.Clearing {
        if let hit = recent.withLock({ $0.first { $0.round == round }?.clearing }) { return hit }
        let clearing = RoundRules.clear(round)
        recent.withLock { entries in
            entries.append((round, clearing))
            if entries.count > Self.capacity { entries.removeFirst() }
        }
        return clearing
    }
}
