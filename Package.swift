// swift-tools-version:6.2
import PackageDescription

// Strict concurrency is the Swift 6 language mode default; keep every target on it.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cairn", targets: ["Cairn"]),
        .library(name: "CairnEngine", targets: ["CairnEngine"]),
        .library(name: "CairnAPI", targets: ["CairnAPI"]),
        .library(name: "CairnApp", targets: ["CairnApp"]),
        .library(name: "CairnTriggers", targets: ["CairnTriggers"]),
        // The whole `cairn` command as a library: a package with its own workflows calls
        // `CairnCLI.main(configure:)` from a three-line main (Examples/CustomAppliance).
        .library(name: "CairnCommands", targets: ["CairnCommands"]),
        .library(name: "CairnTesting", targets: ["CairnTesting"]),
        .executable(name: "cairn", targets: ["CairnMain"]),
        .executable(name: "cairn-example", targets: ["CairnExample"]),
        .executable(name: "cairn-bench", targets: ["CairnBench"]),
        .executable(name: "cairn-chaos", targets: ["CairnChaos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // 0.x: `from:` allows 0.6.x only (SwiftPM treats the minor as breaking below 1.0).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The public SDK: what a workflow author imports. No GRDB, NIO or Hummingbird here.
        .target(name: "Cairn", swiftSettings: swiftSettings),
        // SQLite persistence; GRDB types never leave this module.
        .target(
            name: "CairnStore",
            dependencies: ["Cairn", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Replay executor, group commit, durable timers, event inbox, recovery.
        .target(
            name: "CairnEngine",
            dependencies: [
                "Cairn", "CairnStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcrypto from the system (OpenSSL 3): HMAC-SHA256 and CRYPTO_memcmp for webhook
        // signatures, without the minute of BoringSSL that swift-crypto would add to a clean build.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libcurl for the HTTP and e-mail plugins.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Built-in plugins: each depends only on Cairn and its system library.
        // libcurl's HTTP transfer, shared by the plugins that speak HTTP.
        .target(name: "CairnCurl", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "CairnHTTP", dependencies: ["Cairn", "CairnCurl"], path: "plugins/HTTP", swiftSettings: swiftSettings),
        .target(name: "CairnEmail", dependencies: ["Cairn", "CCurl"], path: "plugins/Email", swiftSettings: swiftSettings),
        // Chunking, the built-in hashing embedder, OpenAI-compatible servers (over CairnCurl) and exact vector search.
        .target(name: "CairnEmbeddings", dependencies: ["Cairn", "CairnCurl"], path: "plugins/Embeddings", swiftSettings: swiftSettings),
        // What starts instances without an API call: cron schedules, signed webhooks (later file drop).
        // Never depends on the server or the app; the app composes it.
        .target(
            name: "CairnTriggers",
            dependencies: [
                "Cairn", "CairnEngine", "CairnStore", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The management API's JSON shapes, shared by the server and the CLI so they cannot drift.
        .target(name: "CairnAPI", dependencies: ["Cairn"], swiftSettings: swiftSettings),
        // HTTP surface: management API with bearer auth, health, readiness and Prometheus metrics.
        .target(
            name: "CairnServer",
            dependencies: [
                "Cairn", "CairnAPI", "CairnEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Config file and composition of store, engine and server into one ServiceGroup.
        .target(
            name: "CairnApp",
            dependencies: [
                "Cairn", "CairnEngine", "CairnStore", "CairnServer", "CairnTriggers", "CairnEmbeddings",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `cairn` commands as a library: `serve` runs the appliance built with the caller's
        // `configure` closure; every other command talks to a running one over HTTP.
        .target(
            name: "CairnCommands",
            dependencies: [
                "Cairn", "CairnAPI", "CairnApp", "CairnTriggers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The workflow types the stock `cairn` binary ships (`seed-example`); not part of CairnApp.
        .target(name: "CairnStock", dependencies: ["Cairn", "CairnApp", "CairnExamples", "CairnHTTP", "CairnEmail", "CairnEmbeddings"], swiftSettings: swiftSettings),
        // The stock `cairn` binary: three lines calling CairnCommands with the stock workflows.
        .executableTarget(
            name: "CairnMain",
            dependencies: ["CairnCommands", "CairnStock"],
            path: "Sources/cairn",
            swiftSettings: swiftSettings
        ),
        // The seed guide's example workflow, shared by the example runner, tests and the appliance.
        .target(name: "CairnExamples", dependencies: ["Cairn", "CairnHTTP"], swiftSettings: swiftSettings),
        // Test support: manual clock, temporary directories, a loopback HTTP server, withTestEngine.
        .target(
            name: "CairnTesting",
            dependencies: ["Cairn", "CairnEngine", "CairnStore", .product(name: "Logging", package: "swift-log"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CairnExample",
            dependencies: ["Cairn", "CairnEngine", "CairnExamples"],
            swiftSettings: swiftSettings
        ),
        // Runs workflows against a database file so tests can SIGKILL a real process.
        .executableTarget(
            name: "CairnCrashHelper",
            dependencies: ["Cairn", "CairnEngine", "CairnStore"],
            swiftSettings: swiftSettings
        ),
        // `swift run -c release cairn-bench`: workloads W0–W7 against the disk's own limit (Benchmarks/README.md).
        .executableTarget(
            name: "CairnBench",
            dependencies: [
                "Cairn", "CairnEngine", "CairnStore", "CairnApp", "CairnStock", "CairnTriggers", "CairnEmbeddings",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CairnBench",
            swiftSettings: swiftSettings
        ),
        // `swift run cairn-chaos`: SIGKILLs the real appliance under all three triggers and checks the invariants (README, Operations).
        .executableTarget(
            name: "CairnChaos",
            dependencies: [
                "CairnTriggers",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CairnChaos",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CairnTests", dependencies: ["Cairn", "CairnTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CairnTriggersTests",
            dependencies: ["Cairn", "CairnEngine", "CairnStore", "CairnTriggers", "CairnTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CairnAPITests", dependencies: ["Cairn", "CairnAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CairnHTTPTests",
            dependencies: [
                "Cairn", "CairnHTTP", "CairnEngine", "CairnStore", "CairnTesting",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnEmailTests",
            dependencies: ["Cairn", "CairnEmail", "CairnEngine", "CairnStore", "CairnTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CairnEmbeddingsTests", dependencies: ["Cairn", "CairnCurl", "CairnEmbeddings", "CairnEngine", "CairnStore", "CairnTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CairnStoreTests",
            dependencies: ["CairnStore", "CairnTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnEngineTests",
            dependencies: ["Cairn", "CairnEngine", "CairnStore", "CairnTesting", "CairnExamples", "CairnCrashHelper"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnAppTests",
            dependencies: [
                "Cairn", "CairnApp", "CairnServer", "CairnEngine", "CairnStock", "CairnStore", "CairnTesting", "CairnTriggers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Starts the real `cairn` binary on a free loopback port and drives it over HTTP and the CLI.
        .testTarget(
            name: "CairnEndToEndTests",
            dependencies: ["CairnTesting", "CairnMain"],
            swiftSettings: swiftSettings
        ),
    ]
)
