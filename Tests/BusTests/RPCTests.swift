import Bus
import Foundation
import Glibc
import Testing
import TestSupport

@Suite("RPC over real loopback sockets")
struct RPCTests {
    @Test("Health/Check answers SERVING")
    func healthCheck() async throws {
        try await withServer { server in
            let client = try RPCClient(endpoint: server.endpoint)
            let reply = try await client.call(Health.check, HealthCheckRequest())
            #expect(reply.status == "SERVING")
        }
    }

    @Test("many calls in flight on one connection each get their own reply")
    func pipelinedCalls() async throws {
        try await withServer { server in
            let client = try RPCClient(endpoint: server.endpoint)
            let texts = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        // Varying delays make the replies come back out of order.
                        let text = "call-\(index)"
                        let reply = try await client.call(TestAPI.echo, .init(text: text, delayMs: (index * 7) % 20))
                        return (text, reply.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(texts.count == 300)
            #expect(texts.allSatisfy { $0.0 == $0.1 })
        }
    }

    @Test("an unknown method gets 12 and names the method")
    func unknownMethod() async throws {
        try await withServer { server in
            let peer = try RawPeer(.dealer, endpoint: server.endpoint)
            let reply = try WireReply(await peer.exchange([json(#"{"id":"u1","method":"Nope/Nothing","body":{}}"#)]))
            #expect(reply.id == "u1")
            #expect(reply.status.code == 12)
            #expect(reply.status.message.contains("Nope/Nothing"))
            let raw = try JSONDecoder().decode([String: JSONValue].self, from: #require(await peer.exchange([json(#"{"id":"u2","method":"Nope/Nothing"}"#)])?.last))
            #expect(raw["body"] == .null)
        }
    }

    @Test("frames that are not requests get 3, with the id when there is one, and the server keeps serving")
    func garbage() async throws {
        try await withServer { server in
            let peer = try RawPeer(.dealer, endpoint: server.endpoint)
            let cases: [(Data, String)] = [
                (json("this is not json"), ""),
                (Data([0xFF, 0x00, 0xFE]), ""),
                (json("[1,2,3]"), ""),
                (json(#"{"method":"Health/Check"}"#), ""),
                (json(#"{"id":42,"method":"Health/Check"}"#), ""),
                (json(#"{"id":"g6"}"#), "g6"),
                (json(#"{"id":"g7","method":"Health/Check","deadline_ms":"soon"}"#), "g7"),
                (json(#"{"id":"g8","method":"Health/Check","metadata":{"a":1}}"#), "g8"),
            ]
            for (frame, id) in cases {
                let reply = try WireReply(await peer.exchange([frame]))
                #expect(reply.status.code == 3, "\(String(decoding: frame, as: UTF8.self))")
                #expect(reply.id == id)
            }
            let multipart = try WireReply(await peer.exchange([json(#"{"id":"m"}"#), json("{}")]))
            #expect(multipart.status.code == 3)
            // An empty frame is a bad body, not a REQ delimiter: the reply is one frame.
            let empty = try #require(try await peer.exchange([Data()]))
            #expect(empty.count == 1)
            #expect(try WireReply(empty).status.code == 3)
            // The body is the key spelled plainly, whatever else decodes as `body`: a signature
            // over those bytes covers what the handler gets.
            let spelled = try WireReply(await peer.exchange([json(#"{"id":"s","method":"Test/Echo","bod\u0079":{"text":"unsigned"},"body":{"text":"signed"}}"#)]))
            #expect(spelled.body == .object(["text": .string("signed")]))
            // Extreme numbers are answered, not fatal.
            let huge = try WireReply(await peer.exchange([json(#"{"id":"h","method":"Test/Echo","deadline_ms":9223372036854775807,"body":{"text":"big"}}"#)]))
            #expect(huge.status.code == 0)
            let client = try RPCClient(endpoint: server.endpoint)
            #expect(try await client.call(Health.check, .init()).status == "SERVING")
        }
    }

    @Test("a body that does not decode gets 3 naming the field")
    func badBody() async throws {
        try await withServer { server in
            let peer = try RawPeer(.dealer, endpoint: server.endpoint)
            let missing = try WireReply(await peer.exchange([json(#"{"id":"b1","method":"Test/Echo","body":{}}"#)]))
            #expect(missing.status.code == 3)
            #expect(missing.status.message == "body.text is required")
            let wrongType = try WireReply(await peer.exchange([json(#"{"id":"b2","method":"Test/Echo","body":{"text":5}}"#)]))
            #expect(wrongType.status.code == 3)
            #expect(wrongType.status.message.contains("body.text"))
        }
    }

    @Test("a handler that throws gets 13 without its internals; RPCError keeps its code")
    func handlerErrors() async throws {
        try await withServer { server in
            let peer = try RawPeer(.dealer, endpoint: server.endpoint)
            let reply = try WireReply(await peer.exchange([json(#"{"id":"f1","method":"Test/Fail","body":{}}"#)]))
            #expect(reply.status.code == 13)
            #expect(reply.status.message == "internal error")
            let client = try RPCClient(endpoint: server.endpoint)
            await #expect(throws: RPCError(.notFound, "no such member")) {
                try await client.call(TestAPI.notFound, Empty())
            }
            #expect(try await client.call(TestAPI.echo, .init(text: "still here")).text == "still here")
        }
    }

    @Test("a REQ client is served too")
    func reqClient() async throws {
        try await withServer { server in
            let peer = try RawPeer(.req, endpoint: server.endpoint)
            let reply = try WireReply(await peer.exchange([json(#"{"id":"r1","method":"Health/Check"}"#)]))
            #expect(reply.id == "r1")
            #expect(reply.status.code == 0)
            #expect(reply.body == .object(["status": .string("SERVING")]))
            let second = try WireReply(await peer.exchange([json("garbage")]))
            #expect(second.status.code == 3)
        }
    }

    @Test("a request past its deadline gets 4, and the handler's late result is not sent")
    func deadlines() async throws {
        try await withServer { server in
            let peer = try RawPeer(.dealer, endpoint: server.endpoint)
            let expired = try WireReply(await peer.exchange([json(#"{"id":"d0","method":"Test/Echo","deadline_ms":0,"body":{"text":"x"}}"#)]))
            #expect(expired.status.code == 4)
            let slow = try WireReply(await peer.exchange([json(#"{"id":"d1","method":"Test/Echo","deadline_ms":50,"body":{"text":"x","delay_ms":1000}}"#)]))
            #expect(slow.id == "d1")
            #expect(slow.status.code == 4)
            let inTime = try WireReply(await peer.exchange([json(#"{"id":"d2","method":"Test/Echo","deadline_ms":2000,"body":{"text":"ok","delay_ms":10}}"#)]))
            #expect(inTime.id == "d2")
            #expect(inTime.status.code == 0)

            let client = try RPCClient(endpoint: server.endpoint)
            await #expect(throws: RPCError.self) {
                try await client.call(TestAPI.echo, .init(text: "x", delayMs: 1000), deadline: .milliseconds(100))
            }
        }
    }

    @Test("no server gives 14, a server that never answers gives 4: never a hang")
    func deadOrSilentServer() async throws {
        // A port held bound but not listening: connections are refused, and no other test can take it.
        let held = try HeldPort()
        defer { held.release() }
        let deadEndpoint = "tcp://127.0.0.1:\(held.port)"
        let client = try RPCClient(endpoint: deadEndpoint, connectTimeout: .milliseconds(200))
        do {
            _ = try await client.call(Health.check, .init(), deadline: .seconds(5))
            Issue.record("a call to nobody succeeded")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }

        // A ROUTER that reads and never replies.
        let silent = try ZMQSocket(.router)
        try silent.bind("tcp://127.0.0.1:*")
        let silentClient = try RPCClient(endpoint: silent.lastEndpoint)
        let started = ContinuousClock.now
        do {
            _ = try await silentClient.call(Health.check, .init(), deadline: .milliseconds(300))
            Issue.record("a silent server answered")
        } catch let error as RPCError {
            #expect(error.code == .deadlineExceeded)
        }
        #expect(started.duration(to: .now) < .seconds(3))
    }

    @Test("an oversized frame is refused and the server keeps serving")
    func oversizedFrame() async throws {
        try await withServer(options: .init(maxMessageBytes: 1024)) { server in
            let big = RawPeerNoWait(endpoint: server.endpoint)
            try big.send(Data(repeating: UInt8(ascii: "x"), count: 64 * 1024))
            let client = try RPCClient(endpoint: server.endpoint)
            #expect(try await client.call(TestAPI.echo, .init(text: "small")).text == "small")
            await #expect(throws: RPCError.self) {
                try await client.call(TestAPI.echo, .init(text: String(repeating: "y", count: 4096)), deadline: .milliseconds(300))
            }
            #expect(try await client.call(Health.check, .init()).status == "SERVING")
        }
    }

    @Test("a client cancelled while waiting gets CancellationError at once")
    func cancellation() async throws {
        try await withServer { server in
            let client = try RPCClient(endpoint: server.endpoint)
            let call = Task { try await client.call(TestAPI.echo, .init(text: "x", delayMs: 1500)) }
            try await Task.sleep(for: .milliseconds(50))
            let cancelled = ContinuousClock.now
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(cancelled.duration(to: .now) < .milliseconds(1000))
        }
    }
}

/// A loopback port bound without listening, so connecting to it is refused until `release`.
struct HeldPort {
    let fd: Int32
    let port: Int

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = self.fd
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(ok, "cannot bind a port")
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() { close(fd) }
}

/// Sends one frame without waiting for anything back.
struct RawPeerNoWait {
    let endpoint: String

    func send(_ frame: Data) throws {
        let socket = try ZMQSocket(.dealer)
        try socket.connect(endpoint)
        try socket.send([frame], dontWait: false)
        // Give libzmq's I/O thread time to write it before the socket closes (linger is 0).
        Thread.sleep(forTimeInterval: 0.2)
    }
}

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("shutdown answers the requests in hand, refuses new ones with 14, then run() returns")
    func drains() async throws {
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        // The handler says when it has the request, so shutdown surely comes while it is in hand.
        let (started, startedSink) = AsyncStream<Void>.makeStream()
        server.register(TestAPI.echo) { request, _ in
            startedSink.yield()
            try await Task.sleep(for: .milliseconds(400))
            return .init(text: request.text)
        }
        let running = Task { await server.run() }
        let client = try RPCClient(endpoint: server.endpoint)
        let slow = Task { try await client.call(TestAPI.echo, .init(text: "in hand")) }
        for await _ in started { break }
        server.shutdown()
        let peer = try RawPeer(.dealer, endpoint: server.endpoint)
        let late = try WireReply(await peer.exchange([json(#"{"id":"late","method":"Test/Echo","body":{"text":"x"}}"#)]))
        #expect(late.status.code == 14)
        #expect(late.id == "late")
        #expect(try await slow.value.text == "in hand")
        await running.value
        await #expect(throws: RPCError.self) {
            try await RPCClient(endpoint: server.endpoint, connectTimeout: .milliseconds(200)).call(Health.check, .init())
        }
    }
}

@Suite("Start-up")
struct StartupTests {
    @Test("a server not yet ready answers 14 and NOT_SERVING, then serves once ready")
    func readiness() async throws {
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*", options: .init(startsReady: false))
        let running = Task { await server.run() }
        let peer = try RawPeer(.dealer, endpoint: server.endpoint)
        // Not yet registered, and not "unknown" either: the service is still starting.
        let early = try WireReply(await peer.exchange([json(#"{"id":"e","method":"Test/Echo","body":{"text":"x"}}"#)]))
        #expect(early.status.code == 14 && early.status.message == "server is starting")
        let health = try WireReply(await peer.exchange([json(#"{"id":"h","method":"Health/Check"}"#)]))
        #expect(health.body == .object(["status": .string("NOT_SERVING")]))
        TestAPI.register(on: server)
        server.ready()
        let client = try RPCClient(endpoint: server.endpoint)
        #expect(try await client.call(TestAPI.echo, .init(text: "ready")).text == "ready")
        #expect(try await client.call(Health.check, .init()).status == "SERVING")
        server.shutdown()
        await running.value
    }
}
