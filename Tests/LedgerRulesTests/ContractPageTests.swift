import Consensus
import Contracts
import Crypto
import Foundation
import LedgerRules
import Testing

@Suite("Listing contracts a page at a time")
struct ContractPageTests {
    @Test("pages follow updated_at, never split a height, and asking again from next_from_height misses and repeats none")
    func pages() throws {
        let members = try Members()
        var chain = Chain()
        // Heights 1..3 get one, three and two contracts.
        var order = 0
        for (height, count) in [(1, 1), (2, 3), (3, 2)] {
            for index in 0..<count {
                order += 1
                let contract = try members.contract(order: "o-\(order)")
                let transaction = Chain.transaction(.contract(contract), by: P256.Signing.PrivateKey())
                chain.rules.enterBlock(height: UInt64(height), timestamp: chain.time)
                #expect(chain.rules.apply(transaction, at: TransactionLocation(height: UInt64(height), index: index)) == nil)
            }
        }
        let all = chain.rules.contracts(member: nil, month: nil, fromHeight: 0)
        #expect(all.count == 6)

        // A limit of 2 ends inside height 2: the page takes the whole height.
        let first = ContractPage(all, limit: 2)
        #expect(first.contracts.map(\.contractId) == ["ct-o-1", "ct-o-2", "ct-o-3", "ct-o-4"])
        #expect(first.nextFromHeight == 3)
        let second = ContractPage(chain.rules.contracts(member: nil, month: nil, fromHeight: try #require(first.nextFromHeight)), limit: 2)
        #expect(second.contracts.map(\.contractId) == ["ct-o-5", "ct-o-6"])
        #expect(second.nextFromHeight == nil)
        #expect(ContractPage(all, limit: 6).nextFromHeight == nil)
    }
}
