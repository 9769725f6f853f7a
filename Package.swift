// swift-tools-version: 6.2
import PackageDescription

/// The six back-end services: product (the executable and compose command) and its target.
/// Targets get their own names because a module called `dispatch` would shadow libdispatch's.
let serviceExecutables = ["registry", "matching", "review", "dispatch", "ledger", "settlement"]
/// What each service needs beyond the service shell.
let serviceDependencies: [String: [Target.Dependency]] = [
    "registry": ["RegistryCore", "Credentials", "Auth", "Messages", "Storage", .product(name: "GRDB", package: "GRDB.swift")],
    "matching": ["MatchingCore", "Game", "Credentials", "Auth", "Messages", "Storage", "RegistryLink", .product(name: "GRDB", package: "GRDB.swift")],
    "review": [
        "ReviewCore", "MatchingCore", "Contracts", "Credentials", "Auth", "Messages", "Storage", "RegistryLink", "Consensus", "LedgerKit", "LedgerRules",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
    ],
    "ledger": ["Consensus", "LedgerCore", "LedgerKit", "LedgerRules", "Contracts", "Credentials", "Auth", "RegistryLink", "Messages", .product(name: "Crypto", package: "swift-crypto")],
    "dispatch": [
        "DispatchCore", "PowerFlow", "Contracts", "Credentials", "Auth", "Messages", "Storage", "RegistryLink", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
    ],
]
func serviceTarget(_ product: String) -> String { product.prefix(1).uppercased() + product.dropFirst() + "Service" }

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "GridTrade",
    platforms: [.macOS(.v15)],
    products: serviceExecutables.map { .executable(name: $0, targets: [serviceTarget($0)]) } + [
        .executable(name: "gridtrade", targets: ["gridtrade"]),
        .executable(name: "gridtrade-bench", targets: ["GridTradeBench"]),
        .library(name: "Bus", targets: ["Bus"]),
        .library(name: "Messages", targets: ["Messages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["CommandLineArguments"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The bus's vocabulary without its transport: methods, status codes and the one error
        // mapping, events, health. Messages and every pure core depend on this, never on Bus.
        .target(name: "GridProtocol", path: "Shared/GridProtocol", swiftSettings: strict),
        // libzmq, seen only by Bus.
        .systemLibrary(name: "CZeroMQ", path: "Shared/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .target(
            name: "Bus",
            dependencies: [
                "GridProtocol", "CZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/Bus",
            swiftSettings: strict
        ),
        .target(name: "Messages", dependencies: ["GridProtocol"], path: "Shared/Messages", swiftSettings: strict),
        // The cooperative game of SPEC.md section 4: prices, coalition values, Shapley, the core.
        .target(name: "Game", path: "Shared/Game", swiftSettings: strict),
        // A service's SQLite database with the nonces of the signed requests it applied.
        .target(
            name: "Storage",
            dependencies: ["GridProtocol", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Shared/Storage",
            swiftSettings: strict
        ),
        // Matching's rules: trade orders, plan capacity, rounds and how they clear.
        .target(name: "MatchingCore", dependencies: ["GridProtocol", "Messages", "Game"], path: "Shared/MatchingCore", swiftSettings: strict),
        // The registry's rules: admission checks, publishing checks, the member lifecycle.
        .target(name: "RegistryCore", dependencies: ["GridProtocol", "Messages"], path: "Shared/RegistryCore", swiftSettings: strict),
        // Keys, the trading center's CA, member certificates and request signatures.
        .target(
            name: "Credentials",
            dependencies: [
                "GridProtocol", "Messages",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Shared/Credentials",
            swiftSettings: strict
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "Bus", "Messages",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: strict
        ),
        .target(
            name: "Topology",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Shared/Topology",
            swiftSettings: strict
        ),
        // How services other than the registry reach it: members, plans, the CA, revocations.
        .target(
            name: "RegistryLink",
            dependencies: [
                "Bus", "Messages", "Auth", "Credentials", "ServiceKit",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/RegistryLink",
            swiftSettings: strict
        ),
        // The trading center's review rules: members, both parties' signatures, price, period, plan room.
        .target(
            name: "ReviewCore",
            dependencies: ["GridProtocol", "Credentials", "Messages", "MatchingCore", .product(name: "X509", package: "swift-certificates")],
            path: "Shared/ReviewCore",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReviewCoreTests",
            dependencies: ["ReviewCore", "MatchingCore", "Auth", "Credentials", "Messages", "Bus", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/ReviewCoreTests",
            swiftSettings: strict
        ),
        // SuiteSparse's KLU, seen only by PowerFlow.
        .systemLibrary(name: "CKLU", path: "Shared/CKLU", providers: [.apt(["libsuitesparse-dev"])]),
        // MATPOWER cases, the DC power flow, PTDF/LODF sensitivities and the dispatch center's security check.
        .target(name: "PowerFlow", dependencies: ["CKLU"], path: "Shared/PowerFlow", swiftSettings: strict),
        .testTarget(name: "PowerFlowTests", dependencies: ["PowerFlow"], path: "Tests/PowerFlowTests", swiftSettings: strict),
        // The dispatch center's decisions: an order's placement per delivery month, the replay after a restart.
        .target(name: "DispatchCore", dependencies: ["PowerFlow", "Messages", "GridProtocol"], path: "Shared/DispatchCore", swiftSettings: strict),
        .testTarget(name: "DispatchCoreTests", dependencies: ["DispatchCore", "PowerFlow", "Messages", "GridProtocol"], path: "Tests/DispatchCoreTests", swiftSettings: strict),
        // The PBFT core the data centers run: a pure state machine, messages and ticks in, decisions out.
        .target(
            name: "Consensus",
            dependencies: ["GridProtocol", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Consensus",
            swiftSettings: strict
        ),
        // What a data center keeps and says: the block store, the data centers' keys, the ledger's wire API.
        .target(
            name: "LedgerKit",
            dependencies: [
                "Bus", "Consensus", "Credentials", "LedgerCore", "LedgerRules",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/LedgerKit",
            swiftSettings: strict
        ),
        // Contracts: clear terms sealed to each party with HPKE, the public document, five-party signatures.
        .target(
            name: "Contracts",
            dependencies: ["GridProtocol", "Messages", "Credentials", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")],
            path: "Shared/Contracts",
            swiftSettings: strict
        ),
        // The ledger's recorded state and rules (contracts, proposals, votes, membership), pure.
        .target(
            name: "LedgerRules",
            dependencies: ["GridProtocol", "Consensus", "Contracts", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/LedgerRules",
            swiftSettings: strict
        ),
        // A data center's decisions around its PBFT core, pure: which membership it runs in and when it
        // switches, what catch-up accepts, what Ledger/Submit answers, and the ledger's typed errors.
        .target(
            name: "LedgerCore",
            dependencies: ["GridProtocol", "Consensus", "LedgerRules", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/LedgerCore",
            swiftSettings: strict
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerRules", "Consensus", "GridProtocol", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/LedgerCoreTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ContractsTests",
            dependencies: ["Contracts", "Credentials", "Messages", "Auth", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")],
            path: "Tests/ContractsTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "LedgerRulesTests",
            dependencies: ["LedgerRules", "Contracts", "Consensus", "Credentials", "Messages", "Auth", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")],
            path: "Tests/LedgerRulesTests",
            swiftSettings: strict
        ),
        // Several consensus cores on a seeded virtual network with faults and Byzantine nodes.
        .target(name: "ConsensusSimulator", dependencies: ["Consensus"], path: "Shared/ConsensusSimulator", swiftSettings: strict),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "ConsensusSimulator"], path: "Tests/ConsensusTests", swiftSettings: strict),
        // A local cluster's home (cluster.json, logs, data) and its processes: what `gridtrade up/down`
        // and the benchmarks' clusters share.
        .target(name: "ClusterControl", dependencies: ["Topology"], path: "Shared/ClusterControl", swiftSettings: strict),
        .testTarget(name: "ClusterControlTests", dependencies: ["ClusterControl", "Topology"], path: "Tests/ClusterControlTests", swiftSettings: strict),
        .executableTarget(
            name: "gridtrade",
            dependencies: [
                "Bus", "Messages", "Topology", "ClusterControl", "Credentials", "Auth", "Game", "PowerFlow", "ConsensusSimulator", "Consensus", "LedgerKit",
                "LedgerRules", "Contracts", "ServiceKit", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Services/gridtrade",
            swiftSettings: strict
        ),
        // The benchmarks and their baselines (raw libzmq, PYPOWER, etcd), apart from the production CLI.
        .executableTarget(
            name: "GridTradeBench",
            dependencies: [
                "Bus", "Messages", "Topology", "ClusterControl", "Credentials", "Auth", "Game", "PowerFlow", "Consensus", "LedgerKit",
                "LedgerRules", "Contracts", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/gridtrade-bench",
            swiftSettings: strict
        ),
        // Helpers shared by the test targets: raw sockets, bounded waits on event streams.
        .target(name: "TestSupport", dependencies: ["Bus"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "BusTests", dependencies: ["Bus", "Messages", "ServiceKit", "TestSupport"], path: "Tests/BusTests", swiftSettings: strict),
        // The authentication and permission check every service runs on signed requests.
        .target(
            name: "Auth",
            dependencies: [
                "Bus", "Messages", "Credentials", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Shared/Auth",
            swiftSettings: strict
        ),
        .testTarget(name: "MatchingCoreTests", dependencies: ["MatchingCore", "Messages", "GridProtocol", "Game"], path: "Tests/MatchingCoreTests", swiftSettings: strict),
        .testTarget(name: "GameTests", dependencies: ["Game"], path: "Tests/GameTests", swiftSettings: strict),
        .testTarget(name: "RegistryCoreTests", dependencies: ["RegistryCore", "Messages", "Bus"], path: "Tests/RegistryCoreTests", swiftSettings: strict),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Credentials", "Messages", "Bus", .product(name: "Crypto", package: "swift-crypto")], path: "Tests/AuthTests", swiftSettings: strict),
        .testTarget(name: "CredentialsTests", dependencies: ["Credentials", "Messages", "Bus"], path: "Tests/CredentialsTests", swiftSettings: strict),
        .testTarget(name: "MessagesTests", dependencies: ["Messages"], path: "Tests/MessagesTests", swiftSettings: strict),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "Messages", "Bus"], path: "Tests/ServiceKitTests", swiftSettings: strict),
        .testTarget(name: "TopologyTests", dependencies: ["Topology"], path: "Tests/TopologyTests", swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Bus", "Messages", "Topology", "TestSupport", "Credentials", "Auth", "RegistryLink", "Consensus", "LedgerKit", "LedgerRules", "Contracts",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/IntegrationTests",
            swiftSettings: strict
        ),
    ] + serviceExecutables.map {
        .executableTarget(
            name: serviceTarget($0),
            dependencies: ["ServiceKit"] + (serviceDependencies[$0] ?? []),
            path: "Services/\($0)",
            swiftSettings: strict
        )
    },
    swiftLanguageModes: [.v6]
)
