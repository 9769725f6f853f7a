/// The bridges of an undirected multigraph: edges whose removal disconnects their ends.
/// Tarjan's low-link search, iterative so a long radial feeder cannot overflow the stack.
/// Parallel edges are never bridges (the parent is skipped by edge, not by vertex).
enum Bridges {
    /// `ends[e]` is edge e's pair of vertices, or nil for an edge not in the graph.
    static func find(vertices n: Int, ends: [(Int, Int)?]) -> Set<Int> {
        var adjacency = [[(vertex: Int, edge: Int)]](repeating: [], count: n)
        for (e, pair) in ends.enumerated() {
            guard let (a, b) = pair, a != b else { continue }
            adjacency[a].append((b, e))
            adjacency[b].append((a, e))
        }
        var discovered = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
        var bridges = Set<Int>()
        var clock = 0
        for root in 0..<n where discovered[root] < 0 {
            // Frames: vertex, the edge it was reached by, the next neighbour to look at.
            var stack: [(vertex: Int, parentEdge: Int, next: Int)] = [(root, -1, 0)]
            discovered[root] = clock; low[root] = clock; clock += 1
            while !stack.isEmpty {
                let top = stack.count - 1
                let (v, parentEdge, next) = stack[top]
                if next < adjacency[v].count {
                    stack[top].next += 1
                    let (w, e) = adjacency[v][next]
                    if e == parentEdge { continue }
                    if discovered[w] < 0 {
                        discovered[w] = clock; low[w] = clock; clock += 1
                        stack.append((w, e, 0))
                    } else {
                        low[v] = min(low[v], discovered[w])
                    }
                } else {
                    stack.removeLast()
                    if let parent = stack.last {
                        low[parent.vertex] = min(low[parent.vertex], low[v])
                        if low[v] > discovered[parent.vertex] { bridges.insert(parentEdge) }
                    }
                }
            }
        }
        return bridges
    }
}
