// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "caqes",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "caqes", targets: ["caqes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: Foundation (and a YAML parser for catalogue text) only.
        .target(
            name: "CAQESCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Fast readers: CSV (encodings, separators, decimal comma), claims aggregation.
        .target(
            name: "CAQESData",
            dependencies: ["CAQESCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Documents: native PDF writer, layout, PAdES B-B seal (Foundation, Crypto, X509, SwiftASN1).
        .target(
            name: "CAQESDocuments",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // E-mail: RFC 5322 messages, an SMTP client (STARTTLS, AUTH) and a .eml file transport.
        .target(
            name: "CAQESMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Reports of a campaign: the annual evaluation report (PDF, XLSX) and the payment file.
        .target(name: "CAQESReports", dependencies: ["CAQESCore", "CAQESData", "CAQESDocuments"]),
        .target(
            name: "App",
            dependencies: [
                "CAQESCore",
                "CAQESData",
                "CAQESDocuments",
                "CAQESReports",
                "CAQESMail",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "caqes", dependencies: ["App"]),
        // Benchmarks (bench/README.md): release executables, not part of the product.
        .executableTarget(name: "caqes-bench-rules", dependencies: ["CAQESCore"], path: "bench/rules", exclude: ["README.md"]),
        .executableTarget(name: "caqes-bench-documents", dependencies: ["CAQESCore", "CAQESDocuments"], path: "bench/documents"),
        .executableTarget(name: "caqes-bench-evaluation", dependencies: ["CAQESCore", "CAQESData", "CAQESDocuments", "CAQESReports"],
                          path: "bench/evaluation"),
        .executableTarget(name: "caqes-bench-phmev", dependencies: ["CAQESData"], path: "bench/phmev/Aggregate"),
        .testTarget(name: "CAQESCoreTests", dependencies: ["CAQESCore"]),
        .testTarget(
            name: "CAQESDataTests",
            dependencies: ["CAQESData", "CAQESTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(
            name: "CAQESDocumentsTests",
            dependencies: [
                "CAQESDocuments",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Test helpers shared by test targets: a real SMTP server (aiosmtpd) in a child process,
        // LibreOffice headless converting a workbook to CSV.
        .target(
            name: "CAQESTestSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/Support",
            exclude: ["Resources"]
        ),
        .testTarget(
            name: "CAQESMailTests",
            dependencies: [
                "CAQESMail",
                "CAQESTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "CAQESTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
