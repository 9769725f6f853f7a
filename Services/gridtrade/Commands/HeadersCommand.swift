import ArgumentParser
import Consensus
import Crypto
import Foundation
import LedgerKit
import LedgerRules

/// `gridtrade ledger headers`: what an extension node keeps of the chain. It downloads headers
/// with their commit certificates from the data center it attaches to and checks, trusting that
/// data center for nothing, that each links to the one before and is certified by a quorum of the
/// registry's data centers.
struct HeadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headers",
        abstract: "Download block headers with their certificates and check the links and signatures against the registry's data-center keys.",
        discussion: "Prints one line per header (height, hash, signers); exit status 1 at the first header that does not check out."
    )

    @Option(help: "First height.") var from: UInt64 = 1
    @Option(help: "Last height (default: as many as one reply carries, 1024).") var through: UInt64?
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var registry: RegistryOptions

    func run() async throws {
        let keys = try await RegistryDataCenters.keys(registry)
        let client = try ledger.client()
        defer { client.close() }
        let headers = try await call(client, LedgerAPI.getHeaders, BlockQuery(from: from, through: through)).headers
        var previous: Hash256?
        for certified in headers {
            let header = certified.header
            let hash = header.hash
            if let previous, header.previousHash != previous {
                print("REFUSED at \(header.height): it does not link to the header before it")
                throw ExitCode(1)
            }
            let signers: Int
            do {
                signers = try ProofCheck.checkCertified(header, by: certified.certificate, dataCenterKeys: keys)
            } catch {
                print("REFUSED at \(header.height): \(error)")
                throw ExitCode(1)
            }
            print("\(header.height) \(hash.hex) signed by \(signers) of \(keys.count)")
            previous = hash
        }
    }
}
