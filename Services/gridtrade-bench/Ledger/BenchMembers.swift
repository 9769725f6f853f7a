import Auth
import Bus
import ClusterControl
import Consensus
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules
import Messages

/// A benchmark cluster's registry, with the cluster's own trading center (review's key) to approve members.
struct BenchRegistry {
    let client: RPCClient
    let tradingCenter: MemberSigner

    static func open(home: URL) async throws -> BenchRegistry {
        let processes = try ClusterHome(home.path).loadState()?.processes ?? []
        guard let registry = processes.first(where: { $0.spec.executable == "registry" })?.spec.rpcEndpoint,
              let keyPath = processes.first(where: { $0.spec.executable == "review" })?.spec.environment["GRIDTRADE_SIGNING_KEY"]
        else { throw BenchFailure("the benchmark cluster has no registry or no trading-center key") }
        let client = try RPCClient(endpoint: registry)
        let key = try MemberKey.readPrivateKey(from: keyPath)
        let id = MemberIDs.derive(key.publicKey)
        guard let pem = try await client.call(RegistryAPI.getMember, MemberQuery(memberId: id)).certificate else { throw BenchFailure("the trading center has no certificate") }
        return BenchRegistry(client: client, tradingCenter: MemberSigner(memberID: id, privateKey: key, certificate: try CertificatePEM.decode(pem)))
    }

    /// A member with a fresh key, registered and approved: its key and certificate.
    func admit(_ role: Role, _ name: String) async throws -> MemberSigner {
        let key = MemberKey.generate()
        let id = MemberIDs.derive(key.publicKey)
        let request = RegisterRequest(
            role: role, legalName: name, licence: "BENCH-\(name)-\(id.prefix(8))", contact: "bench",
            generator: role == .generator ? GeneratorDetails(bus: 2, pmin: 0, pmax: 1_000, a: 0.01, b: 8, c: 0, k: 1.2) : nil,
            consumer: role == .consumer ? ConsumerDetails(bus: 5, maxDemandMw: 1_000) : nil
        )
        _ = try await client.call(RegistryAPI.register, request, signer: MemberSigner(memberID: id, privateKey: key, certificate: nil))
        let approved = try await client.call(RegistryAPI.approve, MemberDecision(memberId: id), signer: tradingCenter)
        guard let pem = approved.certificate else { throw BenchFailure("\(name) was approved without a certificate") }
        return MemberSigner(memberID: id, privateKey: key, certificate: try CertificatePEM.decode(pem))
    }

    func close() { client.close() }
}

/// The members a ledger load submits as: only members write to the ledger, and each submitter
/// has its own rate and in-flight limits at a data center, so the load gives every client a
/// member of its own (a grid company, which needs no plant or load details).
enum BenchMembers {
    static func admit(_ count: Int, home: URL) async throws -> [MemberSigner] {
        let registry = try await BenchRegistry.open(home: home)
        defer { registry.close() }
        var members: [MemberSigner] = []
        for number in 0..<count { members.append(try await registry.admit(.gridCompany, "member-\(number)")) }
        return members
    }

    /// A note entry of `bytes` bytes by `member`, with its certificate: what a member records.
    static func note(_ text: String, bytes: Int, by member: MemberSigner) throws -> Transaction {
        guard let certificate = member.certificate else { throw BenchFailure("\(member.memberID) has no certificate") }
        var data = Data(text.utf8)
        if data.count < bytes { data.append(Data(repeating: UInt8(ascii: "."), count: bytes - data.count)) }
        return P256TransactionVerifier.sign(payload: LedgerEntry.note(try MemberNote(certificate: certificate, note: data)).encoded(), with: member.privateKey)
    }

    /// The data centers refuse members' notes and contracts (14) until they have the registry's
    /// CA: submit the probe until one takes it.
    static func waitForTrust(endpoint: String, probe: Transaction) async throws {
        let client = try RPCClient(endpoint: endpoint)
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                _ = try await client.call(LedgerAPI.submit, SubmitRequest(transaction: probe, wait: true), deadline: .seconds(10))
                return
            } catch let error as RPCError where error.code == .unavailable && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
