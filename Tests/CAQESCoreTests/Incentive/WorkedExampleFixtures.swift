import Foundation
@testable import CAQESCore

/// Small data sets for the DOMAIN B.8 worked examples: one establishment, values by measure and year.
enum RulesFixtures {
    static let subject = "590780193"

    static func decimal(_ text: String) -> Decimal { Decimal(string: text)! }

    /// One establishment with `values[measure][year]`.
    static func measures(_ values: [String: [Int: Decimal]], subject: String = subject, category: String? = "355",
                         region: String? = "32") -> MeasureSet {
        var set = MeasureSet(members: [MeasureSet.Member(subject: subject, category: category, region: region)])
        for (measure, byYear) in values {
            for (year, value) in byYear {
                set.set(value, measure: measure, year: year, for: subject, source: "test")
            }
        }
        return set
    }

    static func context(_ set: MeasureSet, year: Int, referenceYear: Int? = nil, scope: CatalogueScope = .national,
                        subject: String = subject) -> MeasureContext {
        set.frame(year: year, referenceYear: referenceYear, population: scope).context(for: subject)!
    }

    static let national2022: CatalogueVersion = try! ShippedCatalogues.load("national-2022.yaml")
    static let national2025: CatalogueVersion = try! ShippedCatalogues.load("national-2025.yaml")
    static let hdf: CatalogueVersion = try! ShippedCatalogues.load("regional-hdf-2022.yaml")
    static let idf: CatalogueVersion = try! ShippedCatalogues.load("regional-idf-2025.yaml")
}
