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
        .executable(name: "cairn-example", targets: ["CairnExample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The public SDK: what a workflow author imports. No GRDB, NIO or Hummingbird here.
        .target(name: "Cairn", swiftSettings: swiftSettings),
        // SQLite persistence; GRDB types never leave this module.
        .target(
            name: "CairnStore",
            dependencies: ["Cairn", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Replay executor, group commit, durable timers, event inbox, recovery.
        .target(
            name: "CairnEngine",
            dependencies: ["Cairn", "CairnStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The seed guide's example workflow, shared by the example runner, tests and the appliance.
        .target(name: "CairnExamples", dependencies: ["Cairn"], swiftSettings: swiftSettings),
        // Test support: manual clock, temporary directories, a loopback HTTP server, withTestEngine.
        .target(
            name: "CairnTesting",
            dependencies: ["Cairn", "CairnEngine", "CairnStore"],
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
        .testTarget(name: "CairnTests", dependencies: ["Cairn"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CairnStoreTests",
            dependencies: ["CairnStore", "CairnTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnEngineTests",
            dependencies: ["Cairn", "CairnEngine", "CairnStore", "CairnTesting", "CairnExamples", "CairnCrashHelper"],
            swiftSettings: swiftSettings
        ),
    ]
)
