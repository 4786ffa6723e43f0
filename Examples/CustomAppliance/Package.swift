// swift-tools-version:6.2
import PackageDescription

// A package with its own workflows that builds its own `cairn`-style binary: every command
// of `cairn` (serve, config check, instances, trigger…) plus the workflows below.
let package = Package(
    name: "CustomAppliance",
    platforms: [.macOS(.v15)],
    dependencies: [
        // In your own package: .package(url: "https://…/cairn", from: "…").
        .package(name: "Cairn", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "word-appliance",
            dependencies: [
                .product(name: "Cairn", package: "Cairn"),
                .product(name: "CairnApp", package: "Cairn"),
                .product(name: "CairnCommands", package: "Cairn"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
