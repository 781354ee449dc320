import Foundation
import Testing
@testable import CAQESCore

@Suite("Contract start, reference year and catalogue validity (D9, OP-2)")
struct EvaluationYearsTests {
    @Test("without a contract start, the first contract year is the catalogue's valid_from", arguments: [
        ("national-2022", nil, 2022, 2021 as Int?),
        ("national-2022", 2023, 2023, 2022),
        ("national-2025", nil, 2025, nil),
        ("regional-idf-2025", nil, 2025, 2023),
        ("regional-idf-2025", 2026, 2026, 2023),
    ] as [(String, Int?, Int, Int?)])
    func contractStart(catalogue id: String, given: Int?, start: Int, reference: Int?) throws {
        let catalogue = try ShippedCatalogues.load("\(id).yaml")
        #expect(EvaluationYears.contractStart(given, catalogue: catalogue) == start)
        #expect(EvaluationYears.referenceYear(catalogue: catalogue, contractStart: given) == reference)
    }

    @Test("an evaluated year outside the catalogue's validity is refused in French", arguments: [
        ("national-2022", 2025, false), ("national-2022", 2021, false), ("national-2022", 2022, true),
        ("national-2022", 2024, true), ("national-2025", 2024, false), ("national-2025", 2026, true),
        ("regional-hdf-2022", 2025, false),
    ])
    func evaluatedYear(catalogue id: String, year: Int, accepted: Bool) throws {
        let catalogue = try ShippedCatalogues.load("\(id).yaml")
        if accepted {
            try EvaluationYears.checkEvaluated(year, catalogue: catalogue)
        } else {
            #expect(throws: IncentiveError.yearOutsideValidity(catalogue: id, year: year, validFrom: catalogue.validFrom,
                                                               validTo: catalogue.validTo)) {
                try EvaluationYears.checkEvaluated(year, catalogue: catalogue)
            }
        }
    }

    @Test("D9: the national incentive of 2025 cannot be computed with national-2022")
    func incentiveRefusesYear() throws {
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2022, indicators: ["N2"])
        let set = RulesFixtures.measures(["phev_ipp_amount": [2024: 180_000, 2025: 165_000]])
        #expect(throws: IncentiveError.yearOutsideValidity(catalogue: "national-2022", year: 2025, validFrom: 2022, validTo: 2024)) {
            try NationalIncentive.run(RulesFixtures.national2022, year: 2025, measures: set, contracts: [terms])
        }
        #expect(IncentiveError.yearOutsideValidity(catalogue: "national-2022", year: 2025, validFrom: 2022, validTo: 2024).description
            == "Le catalogue « national-2022 » s’applique aux années 2022 à 2024 : l’année 2025 ne peut pas être évaluée avec lui.")
    }

    @Test("targeting reads a data year before the validity: national-2025 targets on 2023 data")
    func targetingTakesADataYear() throws {
        let set = RulesFixtures.measures(["phev_ipp_boxes": [2023: 9000]])
        let run = try TargetingEngine.run(RulesFixtures.national2025, referenceYear: 2023, population: .national, measures: set)
        #expect(run.decision(for: RulesFixtures.subject, indicator: "N2")?.outcome == .targeted)
    }
}
