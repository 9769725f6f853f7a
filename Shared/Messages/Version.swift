/// The product version, reported in `ServiceStarted` and `gridtrade --version`.
public enum GridTradeVersion {
    public static let current = "0.1.0"
}
