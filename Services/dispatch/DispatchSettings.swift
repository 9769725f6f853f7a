import Foundation
import PowerFlow
import ServiceKit

/// Dispatch's own settings (docs/configuration.md): the case file, the security criterion and how
/// often it sweeps review's decisions and the desk's drafts for any an event did not announce.
struct DispatchSettings {
    let casePath: String
    let nMinus1: Bool
    /// With N-1, the distribution factor from which a trade may not grow an already overloaded pair.
    let overloadThreshold: Double
    let pollInterval: Duration
    /// How often it sweeps the desk's drafts waiting for its signature for any an event did not announce.
    let draftSweepInterval: Duration

    init(_ settings: ServiceSettings) throws {
        let config = settings.config
        let security = config.string(forKey: "dispatch.security", default: "n-1")
        guard security == "n-1" || security == "base" else { throw SettingsError("dispatch.security must be n-1 or base, not '\(security)'") }
        nMinus1 = security == "n-1"
        let threshold = config.string(forKey: "dispatch.n1.threshold").map { Double($0) } ?? SecurityCheck.defaultOverloadThreshold
        guard let threshold, (0...1).contains(threshold) else {
            throw SettingsError("dispatch.n1.threshold must be a fraction from 0 to 1 (0.05 is 5%), not '\(config.string(forKey: "dispatch.n1.threshold") ?? "")'")
        }
        overloadThreshold = threshold
        guard let casePath = config.string(forKey: "dispatch.case") ?? Self.bundledCase() else {
            let searched = Self.bundledCaseLocations.joined(separator: ", ")
            throw SettingsError("dispatch.case (GRIDTRADE_DISPATCH_CASE) must name a MATPOWER case file; none found at \(searched)")
        }
        self.casePath = casePath
        pollInterval = .milliseconds(config.int(forKey: "dispatch.poll.ms", default: 2_000))
        draftSweepInterval = .milliseconds(config.int(forKey: "dispatch.drafts.sweep.ms", default: 2_000))
    }

    /// Where a dispatch without `dispatch.case` looks for the repository's case30: beside the
    /// working directory, in the image (deploy/Dockerfile), and above the executable (a build folder).
    static var bundledCaseLocations: [String] {
        let name = "deploy/cases/case30.m"
        var places = [FileManager.default.currentDirectoryPath + "/" + name, "/usr/share/gridtrade/cases/case30.m"]
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<6 {
            places.append(directory.appendingPathComponent(name).path)
            directory = directory.deletingLastPathComponent()
        }
        return places
    }

    static func bundledCase() -> String? { bundledCaseLocations.first { FileManager.default.fileExists(atPath: $0) } }
}
