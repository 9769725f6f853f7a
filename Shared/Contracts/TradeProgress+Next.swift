import Messages

extension TradeProgress {
    /// The progress after reaching `stage` (or failing it); nil when it is no news. A trade only
    /// moves forward, and a failed one stays failed, so a stage reported twice, late or out of
    /// order (a restart, a replayed event) changes nothing. `seq` is left 0 for the store to number.
    public static func next(
        _ current: TradeProgress?, orderId: OrderID, roundId: RoundID?, stage: TradeStage, failure: String?, contractId: String?, height: UInt64?,
        nowMs: Int64
    ) -> TradeProgress? {
        if let current {
            if current.failure != nil { return nil }
            if stage < current.stage { return nil }
            if stage == current.stage, failure == nil, contractId ?? current.contractId == current.contractId, height ?? current.height == current.height {
                return nil
            }
        }
        return TradeProgress(
            seq: 0, orderId: orderId, roundId: roundId ?? current?.roundId, stage: stage, failure: failure,
            contractId: contractId ?? current?.contractId, height: height ?? current?.height, updatedAtMs: nowMs
        )
    }
}
