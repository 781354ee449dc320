import Foundation
@testable import CAQESCore

enum GridFixtures {
    /// The shipped Normandie grid, read from Resources/Grids (tests may do I/O; the core does not).
    static func normandieText() throws -> String {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("Resources/Grids/normandie-2018.yaml"), encoding: .utf8)
    }

    static func normandie() throws -> Grid {
        try GridLoader.load(yaml: normandieText(), file: "normandie-2018.yaml")
    }

    /// A small grid: one chapter, criteria A (50), B (2), C (46), D (7) for every sector.
    static func small(partialCredit: String = "0.5") throws -> Grid {
        try GridLoader.load(yaml: """
            id: petite
            title: Petite grille
            partial_credit: \(partialCredit)
            chapters:
              - id: "1"
                title: Chapitre
                criteria:
                  - { id: A, label: Critère A, points: 50 }
                  - { id: B, label: Critère B, points: 2 }
                  - { id: C, label: Critère C, points: 46 }
                  - { id: D, label: Critère D, points: 7 }
                  - id: Q
                    label: Taux
                    kind: quantitative
                    points: { MCO: 2, SSR: 3 }
                    thresholds: { realised_from: 50, partial_from: 25 }
            """, file: "petite.yaml")
    }

    static func dec(_ text: String) -> Decimal { Decimal(string: text)! }
}
