import Foundation
import Yams

/// The parts of compose.yaml that the local runner reads. compose.yaml is the one description of
/// the cluster: Docker runs it as containers, `gridtrade up` as local processes.
public struct ComposeFile: Decodable, Sendable {
    public var services: [String: ComposeService]

    public static func load(_ url: URL) throws -> ComposeFile {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TopologyError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(text)
    }

    public static func parse(_ yaml: String) throws -> ComposeFile {
        do {
            return try YAMLDecoder().decode(ComposeFile.self, from: yaml)
        } catch {
            throw TopologyError("compose file does not parse: \(error)")
        }
    }
}

public struct ComposeService: Decodable, Sendable {
    /// The program and its arguments; the program is one of the package's executables.
    public var command: [String]
    public var environment: [String: String]
    /// `name:/container/path` mounts.
    public var volumes: [String]
    public var dependsOn: [String]

    enum CodingKeys: String, CodingKey {
        case command, environment, volumes
        case dependsOn = "depends_on"
    }

    public init(command: [String], environment: [String: String] = [:], volumes: [String] = [], dependsOn: [String] = []) {
        self.command = command
        self.environment = environment
        self.volumes = volumes
        self.dependsOn = dependsOn
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Compose allows a string or a list for command and depends_on, a map or a list for environment.
        if let list = try? container.decode([String].self, forKey: .command) {
            command = list
        } else if let line = try container.decodeIfPresent(String.self, forKey: .command) {
            command = line.split(separator: " ").map(String.init)
        } else {
            command = []
        }
        if let map = try? container.decode([String: String].self, forKey: .environment) {
            environment = map
        } else if let list = try container.decodeIfPresent([String].self, forKey: .environment) {
            environment = Dictionary(list.map { entry in
                let parts = entry.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { $1 })
        } else {
            environment = [:]
        }
        volumes = try container.decodeIfPresent([String].self, forKey: .volumes) ?? []
        if let list = try? container.decode([String].self, forKey: .dependsOn) {
            dependsOn = list
        } else if let map = try container.decodeIfPresent([String: DependsOnCondition].self, forKey: .dependsOn) {
            dependsOn = map.keys.sorted()
        } else {
            dependsOn = []
        }
    }

    private struct DependsOnCondition: Decodable {}
}

public struct TopologyError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
