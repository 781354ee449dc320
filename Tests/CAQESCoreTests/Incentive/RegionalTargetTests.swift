import Foundation
import Testing
@testable import CAQESCore

/// A DOMAIN B.8 regional example: the indicator, the year, the inputs, and whether the target is met.
struct RegionalExample: CustomTestStringConvertible, Sendable {
    let name: String
    let catalogue: String
    let indicator: String
    let year: Int
    let values: [String: [Int: Decimal]]
    let achieved: Bool
    var testDescription: String { name }
}

private func grade(_ letter: Character, year: Int) -> MeasureSet {
    var set = MeasureSet(members: [MeasureSet.Member(subject: RulesFixtures.subject, region: "32")])
    set.set(MeasureValue(.grade(letter)), measure: "conciliation_grade", year: year, for: RulesFixtures.subject)
    return set
}

private let examples: [RegionalExample] = [
    RegionalExample(name: "B.8-9 IDF option 1: 55 % → 60,49 % (+5,49 points, +280 stays) achieved in year 1",
                    catalogue: "idf", indicator: "IDF-CA-OPT1", year: 2025,
                    values: ["surgery_ambulatory_stays": [2023: 2200, 2025: 2480], "surgery_stays": [2023: 4000, 2025: 4100]],
                    achieved: true),
    RegionalExample(name: "B.8-9 IDF option 1, year 2: 65,00 % (+10 points) achieved",
                    catalogue: "idf", indicator: "IDF-CA-OPT1", year: 2026,
                    values: ["surgery_ambulatory_stays": [2023: 2200, 2026: 2730], "surgery_stays": [2023: 4000, 2026: 4200]],
                    achieved: true),
    RegionalExample(name: "B.8-9 IDF option 1, year 2: 64,9 % (+9,9 points) not achieved",
                    catalogue: "idf", indicator: "IDF-CA-OPT1", year: 2026,
                    values: ["surgery_ambulatory_stays": [2023: 2200, 2026: 2596], "surgery_stays": [2023: 4000, 2026: 4000]],
                    achieved: false),
    RegionalExample(name: "B.8-10 IDF option 2 ENT: +10,94 points but only 45 extra stays, not achieved",
                    catalogue: "idf", indicator: "IDF-CA-OPT2", year: 2025,
                    values: ["specialty_surgery_ambulatory_stays": [2023: 150, 2025: 195],
                             "specialty_surgery_stays": [2023: 300, 2025: 320]],
                    achieved: false),
    RegionalExample(name: "B.8-11 HDF trastuzumab biosimilars 2023: 91,5 % against 92 %, not met",
                    catalogue: "hdf", indicator: "HDF-BIO-TRA", year: 2023,
                    values: ["trastuzumab_biosimilar_ucd": [2023: 915], "trastuzumab_originator_ucd": [2023: 85]],
                    achieved: false),
    RegionalExample(name: "B.8-11 HDF trastuzumab biosimilars 2023: exactly 92,0 % is met",
                    catalogue: "hdf", indicator: "HDF-BIO-TRA", year: 2023,
                    values: ["trastuzumab_biosimilar_ucd": [2023: 920], "trastuzumab_originator_ucd": [2023: 80]],
                    achieved: true),
    RegionalExample(name: "B.8-12 HDF subcutaneous share 2024: 14 / 150 = 9,33 % ≤ 10 %, met",
                    catalogue: "hdf", indicator: "HDF-SC", year: 2024,
                    values: ["trastuzumab_sc_stays": [2024: 14], "trastuzumab_stays": [2024: 150]], achieved: true),
    RegionalExample(name: "HDF subcutaneous share 2024: exactly 10 % is met (ceiling reached at ≤)",
                    catalogue: "hdf", indicator: "HDF-SC", year: 2024,
                    values: ["trastuzumab_sc_stays": [2024: 15], "trastuzumab_stays": [2024: 150]], achieved: true),
    RegionalExample(name: "HDF subcutaneous share 2024: 16 / 150 above 10 %, not met",
                    catalogue: "hdf", indicator: "HDF-SC", year: 2024,
                    values: ["trastuzumab_sc_stays": [2024: 16], "trastuzumab_stays": [2024: 150]], achieved: false),
    RegionalExample(name: "B.8-13 HDF compliant prescriptions 2022: 72 of 100 assessed (72 %) against 70 %, met",
                    catalogue: "hdf", indicator: "HDF-PRESC", year: 2022,
                    values: ["audit_prescriptions_compliant": [2022: 72], "audit_prescriptions_assessed": [2022: 100]],
                    achieved: true),
]

@Suite("Regional targets (DOMAIN B.8 examples 9–13, D10, D11)")
struct RegionalTargetTests {
    @Test("worked example reaches its target or not", arguments: examples)
    func workedExample(_ example: RegionalExample) throws {
        let catalogue = example.catalogue == "idf" ? RulesFixtures.idf : RulesFixtures.hdf
        let set = RulesFixtures.measures(example.values, region: example.catalogue == "idf" ? "11" : "32")
        let context = RulesFixtures.context(set, year: example.year, referenceYear: 2023, scope: catalogue.scope)
        let result = try RegionalTargets.evaluate(catalogue.indicator(example.indicator)!, in: context)
        #expect(result.status == (example.achieved ? .achieved : .notAchieved), "\(result.trace)")
    }

    @Test("conciliation grades are ordinal, A best: met when at least the year's target",
          arguments: [("A", 2022, true), ("B", 2022, true), ("C", 2022, false), ("B", 2024, false), ("A", 2024, true)]
                     as [(Character, Int, Bool)])
    func grades(letter: Character, year: Int, achieved: Bool) throws {
        let context = RulesFixtures.context(grade(letter, year: year), year: year, scope: .region("32"))
        let result = try RegionalTargets.evaluate(RulesFixtures.hdf.indicator("HDF-CONCIL")!, in: context)
        #expect(result.status == (achieved ? .achieved : .notAchieved))
    }

    @Test("missing audit data makes the regional indicator not evaluable, naming the measure")
    func missingData() throws {
        let set = RulesFixtures.measures(["audit_prescriptions_compliant": [2022: 72]])
        let context = RulesFixtures.context(set, year: 2022, scope: .region("32"))
        let result = try RegionalTargets.evaluate(RulesFixtures.hdf.indicator("HDF-PRESC")!, in: context)
        #expect(result.status == .notEvaluable(missing: [MissingValue(code: "audit_prescriptions_assessed", year: 2022)], reasons: []))
    }

    @Test("a year without a target says so rather than failing or succeeding")
    func noTarget() throws {
        let context = RulesFixtures.context(grade("A", year: 2021), year: 2021, scope: .region("32"))
        let result = try RegionalTargets.evaluate(RulesFixtures.hdf.indicator("HDF-CONCIL")!, in: context)
        #expect(result.status == .noTarget)
    }

    @Test("achieved indicators are counted per establishment for the envelope")
    func counts() throws {
        var set = MeasureSet(members: ["A", "B"].map { MeasureSet.Member(subject: $0, region: "32") })
        for (subject, compliant, sc) in [("A", 95, 10), ("B", 60, 10)] as [(String, Decimal, Decimal)] {
            set.set(compliant, measure: "audit_prescriptions_compliant", year: 2024, for: subject)
            set.set(100, measure: "audit_prescriptions_assessed", year: 2024, for: subject)
            set.set(sc, measure: "trastuzumab_sc_stays", year: 2024, for: subject)
            set.set(150, measure: "trastuzumab_stays", year: 2024, for: subject)
        }
        let results = try RegionalTargets.run(RulesFixtures.hdf, year: 2024, measures: set,
                                          indicators: ["A": ["HDF-PRESC", "HDF-SC"], "B": ["HDF-PRESC", "HDF-SC"]])
        #expect(results.count == 4)
        #expect(RegionalTargets.achievedCounts(results) == ["A": 2, "B": 1])
    }
}
