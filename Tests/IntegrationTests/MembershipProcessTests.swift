import Bus
import Consensus
import Credentials
import Crypto
import Foundation
import Glibc
import LedgerKit
import LedgerRules
import Synchronization
import Testing

@Suite("Data centers admitted by vote, as real processes", .serialized)
struct MembershipProcessTests {
    @Test("a data center admitted by 3 of 4 votes downloads the chain, takes its seat after the activation height, and the five order and certify blocks together; one voted out by 4 of 5 stops ordering and keeps following")
    func admitDataCenter() async throws {
        // Short batch delay: the old membership fills up to its last height with empty blocks.
        let rig = try await LedgerRig(environment: ["GRIDTRADE_LEDGER_BATCH_DELAY_MS": "2"])
        let newcomer = Mutex<ServiceProcess?>(nil)
        try await stopping({ await newcomer.withLock { $0 }?.stop(); await rig.stop() }) {
            let founders = try (1...4).map { try MemberKey.readPrivateKey(from: rig.keys.appendingPathComponent("node-\($0).pem").path) }
            let key = P256Keys.fresh()
            let keyFile = rig.keys.appendingPathComponent("node-5.pem")
            try MemberKey.write(privateKey: key, to: keyFile.path)
            let (rpcPort, eventsPort) = (try freePort(), try freePort())
            let seat = DataCenterSeat(name: "ledger-5", publicKey: key.publicKey.x963Representation.base64EncodedString(), endpoint: "tcp://127.0.0.1:\(rpcPort)")

            func submit(_ entry: LedgerEntry, _ key: P256.Signing.PrivateKey, via node: Int) async throws -> SubmitReply {
                let transaction = P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
                return try await rig.clients[node].call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(20))
            }
            let proposal = try await submit(.proposal(Proposal(action: .admitDataCenter(seat), reason: "a fifth operator")), founders[0], via: 0)
            for voter in 0..<3 { _ = try await submit(.vote(Vote(proposalId: proposal.transactionId, approve: true)), founders[voter], via: voter) }
            let decided = try await rig.clients[2].call(LedgerAPI.getProposal, ProposalQuery(proposalId: proposal.transactionId))
            let activation = try #require(decided.activatesAfter)
            let decidedAt = try #require(decided.decidedAt)
            #expect(decided.status == .passed && activation % 16 == 0 && activation >= decidedAt + 64 + 16)
            let membership = try await rig.clients[2].call(LedgerAPI.getMembership, Empty())
            #expect(membership.memberships.map(\.seats.count) == [4, 5] && membership.memberships.last?.after == activation)

            // The newcomer knows only the founders (their keys and endpoints), as every founder was configured.
            let node = try ServiceProcess("ledger", instance: "ledger-5", rpcPort: rpcPort, eventsPort: eventsPort, environment: [
                "GRIDTRADE_LEDGER_PEERS": rig.nodes.map(\.rpcEndpoint).joined(separator: ","),
                "GRIDTRADE_LEDGER_KEY": keyFile.path,
                "GRIDTRADE_LEDGER_MEMBERS": rig.keys.appendingPathComponent("members.pem").path,
                "GRIDTRADE_LEDGER_BATCH_DELAY_MS": "2",
            ])
            newcomer.withLock { $0 = node }
            try await node.waitHealthy()
            let client = try RPCClient(endpoint: node.rpcEndpoint, maxMessageBytes: 32 << 20)
            defer { client.close() }
            try await rig.eventuallyWhileProgressing("the five data centers run the new membership") {
                var statuses = [(try? await client.call(LedgerAPI.status, Empty(), deadline: .seconds(2)))]
                for index in 0..<4 { statuses.append(try? await rig.status(index)) }
                return statuses.allSatisfy { ($0?.height ?? 0) >= activation && $0?.dataCenters == 5 } && statuses[0]?.seat == 4
            }

            // Uploaded to the newcomer, as a member (its own key, a seat now): ordered and certified by the five.
            let transaction = P256TransactionVerifier.sign(payload: Data("after the change".utf8), with: key)
            let reply = try await client.call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(20))
            let height = try #require(reply.height)
            #expect(reply.committed && height > activation)
            try await rig.eventually("every data center stores the block") {
                for index in 0..<4 where ((try? await rig.status(index))?.height ?? 0) < height { return false }
                return true
            }
            // The chain checks out block by block against the membership of its height: the
            // founders' keys up to the activation height, the five keys after it.
            let blocks = try await client.call(LedgerAPI.getBlocks, BlockQuery(from: 1, through: height)).blocks
            #expect(blocks.count == Int(height))
            let fiveKeys = founders.map(\.publicKey) + [key.publicKey]
            let old = ChainVerifier.verify(blocks: Array(blocks.prefix(Int(activation))), dataCenterKeys: founders.map(\.publicKey), transactionVerifier: nil)
            guard case .success = old else { Issue.record("the old membership's blocks do not verify: \(old)"); return }
            let anchor = ChainAnchor(height: activation, headerHash: blocks[Int(activation) - 1].block.header.hash)
            let new = ChainVerifier.verify(blocks: Array(blocks.dropFirst(Int(activation))), verifier: P256SignatureVerifier(dataCenterKeys: fiveKeys), after: anchor)
            guard case .success = new else { Issue.record("the new membership's blocks do not verify: \(new)"); return }
            // Four of five sign each new block: the quorum of five is 4, not 2f + 1 = 3.
            #expect(blocks.dropFirst(Int(activation)).allSatisfy { $0.certificate.signatures.count >= 4 })

            // Removal: 4 of the 5 (2/3 of 5, rounded up) vote founder 4 out. After the next activation
            // height the other four order alone; the removed one stops ordering and keeps following.
            let removal = try await submit(.proposal(Proposal(action: .removeDataCenter(publicKey: founders[3].publicKey.x963Representation.base64EncodedString()), reason: "retired")), key, via: 0)
            for (voter, via) in [(founders[0], 0), (founders[1], 1), (founders[2], 2)] {
                _ = try await submit(.vote(Vote(proposalId: removal.transactionId, approve: true)), voter, via: via)
                let open = try await rig.clients[via].call(LedgerAPI.getProposal, ProposalQuery(proposalId: removal.transactionId))
                #expect(open.status == .open && open.required == 4)
            }
            let vote = P256TransactionVerifier.sign(payload: LedgerEntry.vote(Vote(proposalId: removal.transactionId, approve: true)).encoded(), with: key)
            _ = try await client.call(LedgerAPI.submit, SubmitRequest(transaction: vote, wait: true), deadline: .seconds(20))
            let removed = try await client.call(LedgerAPI.getProposal, ProposalQuery(proposalId: removal.transactionId))
            let second = try #require(removed.activatesAfter)
            #expect(removed.status == .passed)
            try await rig.eventuallyWhileProgressing("the four remaining data centers run alone") {
                var remaining = [(try? await client.call(LedgerAPI.status, Empty(), deadline: .seconds(2)))]
                for index in 0..<3 { remaining.append(try? await rig.status(index)) }
                let gone = try? await rig.status(3)
                return remaining.allSatisfy { ($0?.height ?? 0) >= second && $0?.dataCenters == 4 } && gone?.seat == -1
            }
            let late = P256TransactionVerifier.sign(payload: Data("after the removal".utf8), with: founders[0])
            let lateReply = try await rig.clients[1].call(LedgerAPI.submit, SubmitRequest(transaction: late, wait: true), deadline: .seconds(20))
            #expect(lateReply.committed && (lateReply.height ?? 0) > second)
            // The removed data center refuses uploads (it orders nothing) but still downloads the chain.
            let refused = P256TransactionVerifier.sign(payload: Data("to the removed one".utf8), with: founders[0])
            #expect(await code { try await rig.clients[3].call(LedgerAPI.submit, SubmitRequest(transaction: refused, wait: true), deadline: .seconds(5)) } == 14)
            try await rig.eventually("the removed data center follows the chain") {
                ((try? await rig.status(3))?.height ?? 0) >= (lateReply.height ?? .max)
            }
            // kill -9 a data center of the new membership: restarted, it rejoins in that membership
            // and commits with the others. Its store is made to look as if it died after the last
            // block of the old membership and before writing the switch (the marker still names
            // the founders): the restart must drop that log rather than replay it.
            _ = await rig.nodes[1].stop(signal: SIGKILL)
            let database = rig.nodes[1].dataDirectory.appendingPathComponent("ledger.sqlite").path
            let rewound = try await run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, "UPDATE meta SET value = 0 WHERE key = 'membership_base'"])
            #expect(rewound.status == 0, "\(rewound.error)")
            try rig.nodes[1].start()
            try await rig.nodes[1].waitHealthy()
            let afterRestart = P256TransactionVerifier.sign(payload: Data("after a restart".utf8), with: founders[1])
            let restartedReply = try await rig.clients[1].call(LedgerAPI.submit, SubmitRequest(transaction: afterRestart, wait: true), deadline: .seconds(30))
            #expect(restartedReply.committed && (restartedReply.height ?? 0) > (lateReply.height ?? .max))
            let restartedStatus = try await rig.status(1)
            #expect(restartedStatus.dataCenters == 4 && restartedStatus.seat == 1)

            // `gridtrade ledger verify` follows the memberships the chain records: four founders, five, four.
            for directory in [rig.nodes[0].dataDirectory, node.dataDirectory] {
                let audit = try await run(binDirectory.appendingPathComponent("gridtrade"), [
                    "ledger", "verify", "--data-dir", directory.path, "--members", rig.keys.appendingPathComponent("members.pem").path,
                ])
                #expect(audit.status == 0 && audit.output.contains("intact"), "\(audit.output) \(audit.error)")
            }
        }
    }
}
