/// A benchmark that could not run or whose result fails its own sanity check: printed as
/// `Error: ...` without the usage text.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
