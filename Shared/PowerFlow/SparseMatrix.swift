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
        // Counting sort by column, then each column's rows sorted and merged.
        var counts = [Int](repeating: 0, count: size + 1)
        for entry in entries { counts[entry.column + 1] += 1 }
        for c in 0..<size { counts[c + 1] += counts[c] }
        var slots = counts
        var byColumn = [(row: Int, value: Double)](repeating: (0, 0), count: entries.count)
        for entry in entries {
            byColumn[slots[entry.column]] = (entry.row, entry.value)
            slots[entry.column] += 1
        }
        var starts: [Int32] = [0]
        var rows: [Int32] = []
        var vals: [Double] = []
        starts.reserveCapacity(size + 1)
        rows.reserveCapacity(entries.count)
        vals.reserveCapacity(entries.count)
        for c in 0..<size {
            let column = byColumn[counts[c]..<counts[c + 1]].sorted { $0.row < $1.row }
            var k = 0
            while k < column.count {
                var sum = column[k].value
                var next = k + 1
                while next < column.count, column[next].row == column[k].row { sum += column[next].value; next += 1 }
                rows.append(Int32(column[k].row))
                vals.append(sum)
                k = next
            }
            starts.append(Int32(rows.count))
        }
        columnStarts = starts
        rowIndices = rows
        values = vals
    }
}
