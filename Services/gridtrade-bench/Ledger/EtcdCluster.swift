import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A replicated store a user might pick instead: an etcd cluster (Debian's etcd-server) on
/// loopback, each member with its own data directory, all fsyncing as etcd does by default.
final class EtcdCluster {
    let clientURLs: [String]
    private var processes: [Process] = []

    init(executable: String, members: Int, basePort: Int, directory: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchFailure("no etcd at \(executable): apt-get install etcd-server, or pass --etcd")
        }
        let names = (1...members).map { "etcd-\($0)" }
        let peerURL = { (index: Int) in "http://127.0.0.1:\(basePort + 2 * index + 1)" }
        clientURLs = (0..<members).map { "http://127.0.0.1:\(basePort + 2 * $0)" }
        let initial = names.enumerated().map { "\($1)=\(peerURL($0))" }.joined(separator: ",")
        for (index, name) in names.enumerated() {
            let data = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "--name", name, "--data-dir", data.path,
                "--listen-client-urls", clientURLs[index], "--advertise-client-urls", clientURLs[index],
                "--listen-peer-urls", peerURL(index), "--initial-advertise-peer-urls", peerURL(index),
                "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", "gridtrade-bench",
                "--log-level", "error",
            ]
            let log = try FileHandle(forWritingTo: Self.touch(directory.appendingPathComponent("\(name).log")))
            process.standardOutput = log
            process.standardError = log
            try process.run()
            processes.append(process)
        }
    }

    /// Waits until a put succeeds through every member.
    func waitReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        for url in clientURLs {
            while true {
                if (try? await EtcdLoad.put(url: url, key: Data("ready".utf8), value: Data("1".utf8), session: .shared)) != nil { break }
                guard ContinuousClock.now < deadline else { throw BenchFailure("etcd at \(url) did not take a put within \(timeout)") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// "etcd 3.4.23", as the executable says of itself.
    static func version(_ executable: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "etcd" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix("etcd Version:") }
            .map { "etcd " + $0.dropFirst("etcd Version:".count).trimmingCharacters(in: .whitespaces) } ?? "etcd"
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
    }

    private static func touch(_ url: URL) -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }
}

/// Clients putting 300-byte values through etcd's v3 JSON gateway, each waiting for the reply
/// (etcd replies once the put is committed by a quorum and applied).
enum EtcdLoad {
    static func put(url: String, key: Data, value: Data, session: URLSession) async throws {
        var request = URLRequest(url: URL(string: "\(url)/v3/kv/put")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["key": key.base64EncodedString(), "value": value.base64EncodedString()])
        let (_, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchFailure("etcd put answered \(String(describing: response))") }
    }

    static func run(urls: [String], count: Int, clients: Int) async -> LoadOutcome {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = clients
        let session = URLSession(configuration: configuration)
        let value = Data(repeating: 0x5a, count: 300)
        return await ClosedLoop.run(clients: clients, operations: count) { client, index in
            try await put(url: urls[client % urls.count], key: Data("bench/\(index)".utf8), value: value, session: session)
            return true
        }
    }
}
