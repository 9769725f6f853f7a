import Bus
import Foundation
import Glibc
import Messages
import Testing
import TestSupport

/// What a client in another language sees: raw frames against a running service process.
@Suite("The envelope against a running service")
struct WireTests {
    @Test("garbage frames, unknown methods, expired deadlines and REQ clients; the service keeps serving")
    func badInputOverTheWire() async throws {
        let service = try ServiceProcess("review")
        try await service.waitHealthy()
        let frames: [(String, Int, String)] = [
            ("\u{1}\u{2}not json", 3, ""),
            (#"{"method":"Health/Check"}"#, 3, ""),
            (#"{"id":"w1","method":"Review/Nothing"}"#, 12, "w1"),
            (#"{"id":"w2","method":"Health/Check","deadline_ms":0}"#, 4, "w2"),
            (#"{"id":"w3","method":"Health/Check","deadline_ms":1000,"metadata":{"trace":"t"},"body":{}}"#, 0, "w3"),
        ]
        let dealer = try RawPeer(.dealer, endpoint: service.rpcEndpoint)
        let req = try RawPeer(.req, endpoint: service.rpcEndpoint)
        for peer in [dealer, req] {
            for (frame, code, id) in frames {
                let reply = try WireReply(await peer.exchange([json(frame)]))
                #expect(reply.status.code == code, "\(frame)")
                #expect(reply.id == id)
            }
        }
        #expect(service.process.isRunning)
        try await service.waitHealthy()
        await service.stop()
    }

    @Test("a killed server gives 14 or 4, never a hang; a restarted one serves the same client again")
    func killedServer() async throws {
        let service = try ServiceProcess("settlement")
        try await service.waitHealthy()
        let client = try RPCClient(endpoint: service.rpcEndpoint, connectTimeout: .milliseconds(300))
        #expect(try await client.call(Health.check, .init()).status == "SERVING")

        await service.stop(signal: SIGKILL)
        let began = ContinuousClock.now
        do {
            _ = try await client.call(Health.check, .init(), deadline: .milliseconds(800))
            Issue.record("a killed server answered")
        } catch let error as RPCError {
            #expect([StatusCode.unavailable, .deadlineExceeded].contains(error.code))
        }
        #expect(began.duration(to: .now) < .seconds(3))

        try service.start()
        try await service.waitHealthy()
        #expect(try await client.call(Health.check, .init(), deadline: .seconds(5)).status == "SERVING")
        await service.stop()
    }

    @Test("a subscriber follows a service through kill -9 and restart, catching up on the new stream")
    func catchUpAfterRestart() async throws {
        let service = try ServiceProcess("matching")
        try await service.waitHealthy()
        let subscriber = try EventSubscriber(endpoint: service.eventsEndpoint, rpc: RPCClient(endpoint: service.rpcEndpoint, connectTimeout: .seconds(10)))
        let stream = subscriber.subscribe(ServiceStarted.topic)
        var events = stream.makeAsyncIterator()
        let first = try #require(try await events.next())
        #expect(first.body.pid == service.process.processIdentifier)

        // The subscription drops with the process; the restarted one publishes on a new stream.
        await service.stop(signal: SIGKILL)
        try service.start()
        try await service.waitHealthy()
        let second = try #require(try await events.next())
        #expect(second.body.pid == service.process.processIdentifier)
        #expect(second.stream != first.stream)
        #expect(second.seq == 1)
        await service.stop()
    }
}
