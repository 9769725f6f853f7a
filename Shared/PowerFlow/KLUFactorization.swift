import CKLU

/// KLU's LU factors of one sparse matrix. KLU's solve writes into workspace held in its numeric
/// object, so an instance must be used by one thread at a time: `DCNetwork` keeps it behind a mutex.
/// Every pointer stays inside this class.
final class KLUFactorization {
    enum Failure: Error {
        case analyze(status: Int32)
        case factor(status: Int32)
    }

    let size: Int
    private var common = klu_common()
    private var symbolic: UnsafeMutablePointer<klu_symbolic>?
    private var numeric: UnsafeMutablePointer<klu_numeric>?

    /// klu_analyze (fill-reducing ordering) then klu_factor, once.
    init(_ matrix: SparseMatrix) throws(Failure) {
        size = matrix.size
        klu_defaults(&common)
        // A connected network's B is one irreducible block: the block triangular search finds nothing.
        common.btf = 0
        var starts = matrix.columnStarts, rows = matrix.rowIndices, values = matrix.values
        symbolic = klu_analyze(Int32(matrix.size), &starts, &rows, &common)
        guard symbolic != nil else { throw .analyze(status: common.status) }
        numeric = klu_factor(&starts, &rows, &values, symbolic, &common)
        guard numeric != nil else { throw .factor(status: common.status) }
        // KLU reports a structurally or numerically singular matrix through the status, not always nil.
        guard common.status == KLU_OK else { throw .factor(status: common.status) }
    }

    deinit {
        if numeric != nil { klu_free_numeric(&numeric, &common) }
        if symbolic != nil { klu_free_symbolic(&symbolic, &common) }
    }

    /// Solves A·X = B in place for `count` right-hand sides stored one after another (column-major).
    func solve(_ rightHandSides: inout [Double], count: Int) {
        precondition(rightHandSides.count == size * count, "right-hand sides must be size × count")
        guard size > 0, count > 0 else { return }
        let ok = rightHandSides.withUnsafeMutableBufferPointer { buffer in
            klu_solve(symbolic, numeric, Int32(size), Int32(count), buffer.baseAddress, &common)
        }
        // After a successful factorisation klu_solve fails only on invalid arguments, which are ours.
        precondition(ok != 0, "klu_solve failed with status \(common.status)")
    }
}
