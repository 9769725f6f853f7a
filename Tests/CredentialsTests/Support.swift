import Foundation

/// A fixed instant (2026-01-01T00:00:00Z) for tests that do not involve other programs.
let testNow = Date(timeIntervalSince1970: 1_767_225_600)
let day: TimeInterval = 24 * 3600

/// A fresh, uniquely named directory under the system temporary directory; callers remove it.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The exit status and combined output of running openssl with `arguments` in `directory`.
func openssl(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

extension Data {
    /// A copy with the byte at `index` inverted.
    func flippingByte(at index: Int) -> Data {
        var copy = self
        copy[copy.startIndex + index] ^= 0xFF
        return copy
    }

    /// The offset of the first occurrence of `needle`.
    func offset(of needle: Data) -> Int? {
        range(of: needle).map { $0.lowerBound - startIndex }
    }
}
