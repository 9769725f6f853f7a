/// A square sparse matrix in compressed sparse column form, built from (row, column, value)
/// entries; duplicates are summed, as MATLAB's `sparse` does.
struct SparseMatrix {
    let size: Int
    /// Column starts, `size + 1` of them.
    var columnStarts: [Int32]
    var rowIndices: [Int32]
    var values: [Double]

    init(size: Int, entries: [(row: Int, column: Int, value: Double)]) {
        self.size = size
        // Two stable counting sorts (by row, then by column) leave each column's rows in order
        // without a comparison sort; duplicates are then adjacent.
        func bucketStarts(_ key: (Int) -> Int) -> [Int] {
            var starts = [Int](repeating: 0, count: size + 1)
            for e in entries.indices { starts[key(e) + 1] += 1 }
            for c in 0..<size { starts[c + 1] += starts[c] }
            return starts
        }
        var slot = bucketStarts { entries[$0].row }
        var byRow = [Int](repeating: 0, count: entries.count)
        for e in entries.indices { byRow[slot[entries[e].row]] = e; slot[entries[e].row] += 1 }
        let counts = bucketStarts { entries[$0].column }
        slot = counts
        var order = [Int](repeating: 0, count: entries.count)
        for e in byRow { order[slot[entries[e].column]] = e; slot[entries[e].column] += 1 }

        var starts: [Int32] = [0]
        var rows: [Int32] = []
        var vals: [Double] = []
        starts.reserveCapacity(size + 1)
        rows.reserveCapacity(entries.count)
        vals.reserveCapacity(entries.count)
        for c in 0..<size {
            var k = counts[c]
            while k < counts[c + 1] {
                let row = entries[order[k]].row
                var sum = 0.0
                while k < counts[c + 1], entries[order[k]].row == row { sum += entries[order[k]].value; k += 1 }
                rows.append(Int32(row))
                vals.append(sum)
            }
            starts.append(Int32(rows.count))
        }
        columnStarts = starts
        rowIndices = rows
        values = vals
    }
}
