/// Why a cluster home's `cluster.json` could not be read or written.
public enum ClusterStateError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "\(path) is unreadable (\(reason)); remove it after stopping its processes by hand"
        case .unwritable(let path, let reason):
            "cannot write \(path): \(reason)"
        }
    }
}
