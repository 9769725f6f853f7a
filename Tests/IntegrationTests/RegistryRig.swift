import Auth
import Bus
import Credentials
import Crypto
import Foundation
import Messages
import Testing
import X509

/// A real registry process with a trading center admitted by its key file, and helpers to make
/// members.
struct RegistryRig {
    let process: ServiceProcess
    let client: RPCClient
    let tradingCenter: MemberSigner
    let authority: Certificate

    init() async throws {
        let key = MemberKey.generate()
        let keyFile = try temporaryDirectory("tc").appendingPathComponent("trading-center.pub")
        try Data(MemberKey.publicKeyPEM(key.publicKey).utf8).write(to: keyFile)
        process = try ServiceProcess("registry", environment: ["GRIDTRADE_TRADING_CENTER_KEY": keyFile.path])
        try await process.waitHealthy()
        client = try RPCClient(endpoint: process.rpcEndpoint)
        let id = MemberID(publicKey: key.publicKey)
        let member = try await client.call(RegistryAPI.getMember, MemberQuery(memberId: id))
        #expect(member.role == .tradingCenter && member.status == .approved)
        tradingCenter = MemberSigner(member: id, privateKey: key, certificate: try CertificatePEM.decode(try #require(member.certificate)))
        authority = try CertificatePEM.decode(try await client.call(RegistryAPI.getAuthority, Empty()).certificate)
    }

    static func generatorRequest(licence: String) -> RegisterRequest {
        RegisterRequest(
            role: .generator, legalName: "Plant \(licence)", licence: licence, contact: "ops@plant",
            generator: GeneratorDetails(bus: 5, pmin: 30, pmax: 100, a: 0.01, b: 8.4, c: 0, k: 1.3)
        )
    }

    /// Registers and approves a member; returns its signer (with its certificate).
    func admit(_ request: RegisterRequest, key: P256.Signing.PrivateKey = MemberKey.generate()) async throws -> MemberSigner {
        let id = MemberID(publicKey: key.publicKey)
        _ = try await client.call(RegistryAPI.register, request, signer: MemberSigner(member: id, privateKey: key, certificate: nil))
        let approved = try await client.call(RegistryAPI.approve, MemberDecision(memberId: id), signer: tradingCenter)
        return MemberSigner(member: id, privateKey: key, certificate: try CertificatePEM.decode(try #require(approved.certificate)))
    }

    /// Everything the registry holds, to check that a refused request changed nothing.
    func snapshot() async throws -> String {
        let members = try await client.call(RegistryAPI.listMembers, MemberListQuery())
        let plans = try await client.call(RegistryAPI.listPlans, MonthQuery())
        let demands = try await client.call(RegistryAPI.listDemands, MonthQuery())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(members.members), as: UTF8.self)
            + String(decoding: try encoder.encode(plans.plans), as: UTF8.self)
            + String(decoding: try encoder.encode(demands.demands), as: UTF8.self)
    }

    /// A request frame signed once, to send (and replay) as raw bytes.
    static func signedFrame(_ method: String, body: String, signer: MemberSigner, id: String = UUID().uuidString) throws -> Data {
        let metadata = try signer.metadata(method: method, body: Data(body.utf8))
        let head = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "metadata": metadata])
        return head.dropLast() + Data(#","body":"#.utf8) + Data(body.utf8) + Data("}".utf8)
    }
}

/// The status code a call fails with (nil if it succeeds).
func code<Response>(_ call: () async throws -> Response) async -> Int? {
    do {
        _ = try await call()
        return nil
    } catch let error as RPCError {
        return error.code.rawValue
    } catch {
        return -1
    }
}
