import Foundation

/// RFC 6962 / 9162 Merkle tree over a block's transactions (leaf data = a transaction's canonical encoding).
///
/// leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), empty tree = SHA-256("").
/// A tree of n > 1 leaves splits at the largest power of two below n, so the last leaf is never
/// duplicated and no two leaf lists share a root.
public enum MerkleTree {
    public static func leafHash(_ data: Data) -> Hash256 {
        var bytes: [UInt8] = [0]
        bytes.append(contentsOf: data)
        return Hash256.sha256(bytes)
    }

    static func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        var bytes: [UInt8] = [1]
        bytes.append(contentsOf: left.bytes)
        bytes.append(contentsOf: right.bytes)
        return Hash256.sha256(bytes)
    }

    public static func root(of transactions: [Transaction]) -> Hash256 {
        root(leaves: transactions.map { leafHash($0.canonicalBytes) })
    }

    public static func root(leaves: [Hash256]) -> Hash256 {
        if leaves.isEmpty { return Hash256.sha256(Data()) }
        return subtreeRoot(leaves[...])
    }

    public static func proof(of index: Int, in transactions: [Transaction]) -> InclusionProof? {
        proof(of: index, leaves: transactions.map { leafHash($0.canonicalBytes) })
    }

    /// The audit path of leaf `index`, nearest sibling first.
    public static func proof(of index: Int, leaves: [Hash256]) -> InclusionProof? {
        guard index >= 0, index < leaves.count else { return nil }
        var path: [Hash256] = []
        var slice = leaves[...]
        var position = index
        // Walk down from the root, then reverse: the verifier climbs from the leaf.
        while slice.count > 1 {
            let split = largestPowerOfTwo(below: slice.count)
            let left = slice.prefix(split), right = slice.dropFirst(split)
            if position < split {
                path.append(subtreeRoot(right))
                slice = left
            } else {
                path.append(subtreeRoot(left))
                slice = right
                position -= split
            }
        }
        return InclusionProof(leafIndex: UInt64(index), treeSize: UInt64(leaves.count), path: path.reversed())
    }

    static func subtreeRoot(_ leaves: ArraySlice<Hash256>) -> Hash256 {
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let split = largestPowerOfTwo(below: leaves.count)
        return nodeHash(subtreeRoot(leaves.prefix(split)), subtreeRoot(leaves.dropFirst(split)))
    }

    /// The largest power of two strictly less than `n` (n > 1).
    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// Proof that a leaf is at `leafIndex` of a tree of `treeSize` leaves.
public struct InclusionProof: Sendable, Hashable, Codable {
    public let leafIndex: UInt64
    public let treeSize: UInt64
    public let path: [Hash256]

    public init(leafIndex: UInt64, treeSize: UInt64, path: [Hash256]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// RFC 9162 section 2.1.3.2: climbs from the leaf, using the index bits to know each sibling's side.
    public func verifies(leafHash: Hash256, root: Hash256) -> Bool {
        guard leafIndex < treeSize else { return false }
        var fn = leafIndex, sn = treeSize - 1
        var hash = leafHash
        for sibling in path {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                hash = MerkleTree.nodeHash(sibling, hash)
                if fn & 1 == 0 {
                    // A right edge with no sibling at these levels: climb until this node is a right child.
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                hash = MerkleTree.nodeHash(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && hash == root
    }

    public func verifies(_ transaction: Transaction, root: Hash256) -> Bool {
        verifies(leafHash: MerkleTree.leafHash(transaction.canonicalBytes), root: root)
    }

    enum CodingKeys: String, CodingKey {
        case path
        case leafIndex = "leaf_index"
        case treeSize = "tree_size"
    }
}
