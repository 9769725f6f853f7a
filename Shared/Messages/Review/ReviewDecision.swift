public enum ReviewStatus: String, Codable, Sendable, CaseIterable {
    case approved
    case rejected
}

/// The trading center's review of one confirmed trade order (SPEC.md section 2, step 4). The
/// order is included as reviewed, so the decision says exactly what was approved.
public struct ReviewDecision: Codable, Sendable, Equatable {
    public var orderId: OrderID
    public var order: TradeOrder
    public var status: ReviewStatus
    /// Every reason it was rejected, one sentence each; empty when approved.
    public var reasons: [String]
    public var reviewedAtMs: Int64
    /// The trading center's member id.
    public var reviewer: MemberID

    public init(orderId: OrderID, order: TradeOrder, status: ReviewStatus, reasons: [String], reviewedAtMs: Int64, reviewer: MemberID) {
        self.orderId = orderId
        self.order = order
        self.status = status
        self.reasons = reasons
        self.reviewedAtMs = reviewedAtMs
        self.reviewer = reviewer
    }

    enum CodingKeys: String, CodingKey {
        case order, status, reasons, reviewer
        case orderId = "order_id"
        case reviewedAtMs = "reviewed_at_ms"
    }
}

/// A decision with the trading center's signature over its exact bytes (`statement.payload`).
public struct SignedReviewDecision: Codable, Sendable, Equatable {
    /// Review's own sequence number: decisions in the order they were made.
    public var seq: Int64
    public var decision: ReviewDecision
    public var statement: SignedStatement

    public init(seq: Int64, decision: ReviewDecision, statement: SignedStatement) {
        self.seq = seq
        self.decision = decision
        self.statement = statement
    }
}
