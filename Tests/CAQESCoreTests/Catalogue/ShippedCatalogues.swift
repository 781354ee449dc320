import Foundation
@testable import CAQESCore

/// Reads the catalogue files shipped in Resources/Catalogues, from the repository checkout.
enum ShippedCatalogues {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Catalogue
        .deletingLastPathComponent()  // CAQESCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("Resources/Catalogues")

    static let files = ["national-2022.yaml", "national-2025.yaml", "regional-hdf-2022.yaml", "regional-idf-2025.yaml"]

    static func text(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    static func load(_ file: String) throws -> CatalogueVersion {
        try CatalogueLoader.load(yaml: text(file), file: file)
    }
}
