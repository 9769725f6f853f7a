import GridProtocol

/// The review service (the trading center's desk): it reviews every confirmed trade order on
/// its own, from matching's events and a periodic sweep, and signs each decision.
public enum ReviewAPI {
    public static let getDecision = Method<DecisionQuery, SignedReviewDecision>("Review/GetDecision")
    public static let listDecisions = Method<DecisionListQuery, DecisionList>("Review/ListDecisions")

    public static let orderReviewed = EventTopic<SignedReviewDecision>("OrderReviewed")
}

public struct DecisionQuery: Codable, Sendable {
    public var orderId: OrderID

    public init(orderId: OrderID) { self.orderId = orderId }

    enum CodingKeys: String, CodingKey { case orderId = "order_id" }
}

/// Decisions after a sequence number (0: from the start), at most `limit` (default 500, at most
/// 5000), optionally of one status or member.
public struct DecisionListQuery: Codable, Sendable {
    public var afterSeq: Int64?
    public var limit: Int?
    public var status: ReviewStatus?
    public var member: MemberID?

    public init(afterSeq: Int64? = nil, limit: Int? = nil, status: ReviewStatus? = nil, member: MemberID? = nil) {
        self.afterSeq = afterSeq
        self.limit = limit
        self.status = status
        self.member = member
    }

    enum CodingKeys: String, CodingKey {
        case limit, status, member
        case afterSeq = "after_seq"
    }
}

public struct DecisionList: Codable, Sendable {
    public var decisions: [SignedReviewDecision]

    public init(decisions: [SignedReviewDecision]) { self.decisions = decisions }
}
