import Foundation
import Testing
@testable import CAQESCore

@Suite("Refusal sanction rate: one source, the catalogue (D14)")
struct RefusalSanctionRateTests {
    @Test("the shipped national catalogues state 1 %", arguments: ["national-2022.yaml", "national-2025.yaml"])
    func shippedRate(file: String) throws {
        let catalogue = try ShippedCatalogues.load(file)
        #expect(catalogue.refusalSanctionRate == Decimal(string: "0.01")!)
    }

    @Test("the contract procedure applies the rate it is given", arguments: [
        ("80000000", "0.01", "800000"), ("1234.50", "0.01", "12.35"), ("80000000", "0.005", "400000"), ("1234.50", "0.02", "24.69"),
    ])
    func procedureAmount(products: String, rate: String, amount: String) {
        #expect(ContractProcedure.refusalSanction(insuranceProductsLastClosedYear: dec(products), rate: dec(rate)) == dec(amount))
    }

    @Test("a catalogue without a refusal rate gives no sanction rather than a hidden 1 %")
    func noHiddenDefault() throws {
        var set = MeasureSet(members: [MeasureSet.Member(subject: RulesFixtures.subject)])
        set.set(80_000_000, measure: "am_products", year: 2021, for: RulesFixtures.subject)
        #expect(throws: IncentiveError.missingParameter(catalogue: "regional-hdf-2022", "refusal_sanction_rate")) {
            try RefusalSanction.compute(subject: RulesFixtures.subject, lastClosedYear: 2021, measures: set,
                                        catalogue: RulesFixtures.hdf)
        }
    }

    @Test("a refusal rate outside 0–100 % or not a number refuses the catalogue", arguments: ["150%", "-1%", "'B'"])
    func validated(rate: String) {
        let yaml = """
            id: essai
            version: 1
            valid_from: 2022
            valid_to: 2024
            scope: national
            measures:
              spend: {type: number, label: Dépense}
            parameters:
              refusal_sanction_rate: \(rate)
            indicators:
              - code: X1
                label: Essai
                section: pertinence
                cap: 20%
                incentive:
                  savings: spend[N-1] - spend[N]
            """
        #expect(throws: CatalogueError.self) { try CatalogueLoader.load(yaml: yaml, file: "essai.yaml") }
    }
}
