@testable import Consensus
import Foundation
import Testing

@Suite("Merkle tree")
struct MerkleTests {
    static let letters = ["a", "b", "c", "d", "e"].map { MerkleTree.leafHash(Data($0.utf8)) }

    @Test("RFC 6962 roots: empty, one leaf, the unbalanced split, and a golden value")
    func roots() {
        #expect(MerkleTree.root(leaves: []).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleTree.root(leaves: [Self.letters[0]]) == Self.letters[0])
        let three = MerkleTree.nodeHash(MerkleTree.nodeHash(Self.letters[0], Self.letters[1]), Self.letters[2])
        #expect(MerkleTree.root(leaves: Array(Self.letters.prefix(3))) == three)
        #expect(MerkleTree.root(leaves: Self.letters).hex == "fe14a5426fbd70c0fa73f52342afed0da0bd23c4838662ccf6b88a3070ead97b")
        // No duplicate-last-leaf ambiguity: [a, b, c] and [a, b, c, c] differ.
        #expect(MerkleTree.root(leaves: Array(Self.letters.prefix(3))) != MerkleTree.root(leaves: Array(Self.letters.prefix(3)) + [Self.letters[2]]))
        // Domain separation: a leaf is not mistaken for an inner node.
        #expect(MerkleTree.leafHash(Self.letters[0].bytes + Self.letters[1].bytes) != MerkleTree.nodeHash(Self.letters[0], Self.letters[1]))
    }

    @Test("every leaf of every tree size up to 33 has a proof that verifies")
    func proofsVerify() throws {
        for size in 1...33 {
            let leaves = (0..<size).map { MerkleTree.leafHash(Data("leaf \($0)".utf8)) }
            let root = MerkleTree.root(leaves: leaves)
            for index in 0..<size {
                let proof = try #require(MerkleTree.proof(of: index, leaves: leaves))
                #expect(proof.verifies(leafHash: leaves[index], root: root), "size \(size) index \(index)")
            }
        }
        #expect(MerkleTree.proof(of: 5, leaves: Self.letters) == nil)
    }

    @Test("doctored proofs are refused: sibling, index, size, leaf, root, length")
    func doctoredProofsRefused() throws {
        let leaves = (0..<11).map { MerkleTree.leafHash(Data("leaf \($0)".utf8)) }
        let root = MerkleTree.root(leaves: leaves)
        let proof = try #require(MerkleTree.proof(of: 6, leaves: leaves))
        var path = proof.path
        path[1] = MerkleTree.leafHash(Data("forged".utf8))
        #expect(!InclusionProof(leafIndex: 6, treeSize: 11, path: path).verifies(leafHash: leaves[6], root: root))
        #expect(!InclusionProof(leafIndex: 7, treeSize: 11, path: proof.path).verifies(leafHash: leaves[6], root: root))
        // (The size is authenticated by the block's transaction count, not by the root: a size that keeps the
        // same path shape, like 12 here, proves nothing new; one that changes it fails.)
        #expect(!InclusionProof(leafIndex: 6, treeSize: 20, path: proof.path).verifies(leafHash: leaves[6], root: root))
        #expect(!InclusionProof(leafIndex: 6, treeSize: 7, path: proof.path).verifies(leafHash: leaves[6], root: root))
        #expect(!InclusionProof(leafIndex: 6, treeSize: 11, path: proof.path + [root]).verifies(leafHash: leaves[6], root: root))
        #expect(!InclusionProof(leafIndex: 6, treeSize: 11, path: Array(proof.path.dropLast())).verifies(leafHash: leaves[6], root: root))
        #expect(!InclusionProof(leafIndex: 11, treeSize: 11, path: proof.path).verifies(leafHash: leaves[6], root: root))
        #expect(!proof.verifies(leafHash: leaves[5], root: root))
        #expect(!proof.verifies(leafHash: leaves[6], root: leaves[0]))
    }

    @Test("a block's transaction proof checks against its header's Merkle root")
    func blockProof() throws {
        let transactions = (1...6).map { TestCluster.transaction($0) }
        let header = BlockHeader(height: 1, previousHash: .zero, merkleRoot: MerkleTree.root(of: transactions), timestamp: 1, nonce: 0, proposer: 0, view: 0)
        let block = Block(header: header, transactions: transactions)
        let proof = try #require(block.inclusionProof(of: 4))
        #expect(proof.verifies(transactions[4], root: header.merkleRoot))
        #expect(!proof.verifies(transactions[3], root: header.merkleRoot))
    }
}
