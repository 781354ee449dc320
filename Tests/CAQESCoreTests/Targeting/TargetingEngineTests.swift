import Foundation
import Testing
@testable import CAQESCore

private func d(_ text: String) -> Decimal { Decimal(string: text)! }

/// One establishment's N1 data for 2019: ARA II and IEC volumes (UCD) and ARA II spending.
private func n1(ara2UCD: Decimal?, iecUCD: Decimal?, ara2Amount: Decimal?) -> MeasureSet {
    var set = MeasureSet(members: [MeasureSet.Member(subject: "E1")])
    if let ara2UCD { set.set(ara2UCD, measure: "phev_ara2_ucd", year: 2019, for: "E1") }
    if let iecUCD { set.set(iecUCD, measure: "phev_iec_ucd", year: 2019, for: "E1") }
    if let ara2Amount { set.set(ara2Amount, measure: "phev_ara2_amount", year: 2019, for: "E1") }
    return set
}

private func decideN1(_ set: MeasureSet) throws -> TargetingDecision {
    let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national, measures: set)
    return try #require(run.decision(for: "E1", indicator: "N1"))
}

@Suite("Targeting engine")
struct TargetingEngineTests {
    @Test("N1: ARA II relative rate in UCD ≥ 40 % and ARA II spending ≥ 20 000 €",
          arguments: [
              (d("400"), d("600"), d("20000"), true),    // exactly 40 % and exactly 20 000: both thresholds met (≥, D1)
              (d("399"), d("601"), d("50000"), false),   // 39,9 %
              (d("800"), d("200"), d("19999.99"), false),
              (d("800"), d("200"), d("250000"), true),
          ])
    func n1Thresholds(ara2: Decimal, iec: Decimal, amount: Decimal, targeted: Bool) throws {
        let decision = try decideN1(n1(ara2UCD: ara2, iecUCD: iec, ara2Amount: amount))
        #expect(decision.outcome == (targeted ? .targeted : .notTargeted))
        #expect(decision.criteria[0].value == .number(ara2 / (ara2 + iec)))
    }

    @Test("missing volumes: not evaluable, naming every missing measure — never a silent no")
    func missingIsNotEvaluable() throws {
        let decision = try decideN1(n1(ara2UCD: nil, iecUCD: nil, ara2Amount: 30000))
        #expect(decision.outcome == .notEvaluable(missing: [MissingValue(code: "phev_ara2_ucd", year: 2019),
                                                            MissingValue(code: "phev_iec_ucd", year: 2019)], reasons: []))
        #expect(decision.criteria.map(\.outcome) == [.notEvaluable, .met])
    }

    @Test("missing volumes but spending under 20 000 €: not targeted whatever the volumes, the gap still shown")
    func decidedDespiteMissing() throws {
        let decision = try decideN1(n1(ara2UCD: nil, iecUCD: nil, ara2Amount: 5000))
        #expect(decision.outcome == .notTargeted)
        #expect(decision.criteria[0].outcome == .notEvaluable)
        #expect(decision.criteria[0].missing.count == 2)
    }

    @Test("zero volumes (0 / 0): the rate criterion is not evaluable with the establishment named")
    func zeroDenominator() throws {
        let decision = try decideN1(n1(ara2UCD: 0, iecUCD: 0, ara2Amount: 30000))
        guard case .notEvaluable(let missing, let reasons) = decision.outcome else {
            Issue.record("expected non évaluable, got \(decision.outcome)")
            return
        }
        #expect(missing.isEmpty)
        #expect(reasons.count == 1 && reasons[0].contains("E1"))
    }

    @Test("N5: more than 100 patients and an average per patient more than 40 % above the category's pooled average")
    func dressingsByCategory() throws {
        let rows: [(String, String, Decimal, Decimal)] = [
            ("X", "355", 30000, 200),  // 150 €/patient against 1,4 × 100
            ("Y", "355", 10000, 200),
            ("Z", "355", 20000, 200),
            ("W", "106", 15000, 100),  // 100 patients is not more than 100
            ("V", "106", 1000, 100),
        ]
        var set = MeasureSet(members: rows.map { MeasureSet.Member(subject: $0.0, category: $0.1) })
        for row in rows {
            set.set(row.2, measure: "phev_dressing_amount", year: 2019, for: row.0)
            set.set(row.3, measure: "phev_dressing_patients", year: 2019, for: row.0)
        }
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national, measures: set)
        #expect(run.decision(for: "X", indicator: "N5")?.outcome == .targeted)
        #expect(run.decision(for: "X", indicator: "N5")?.criteria[1].threshold == .number(140))
        #expect(run.decision(for: "Z", indicator: "N5")?.outcome == .notTargeted)
        #expect(run.decision(for: "W", indicator: "N5")?.outcome == .notTargeted)
    }

    @Test("one decision per establishment and targetable indicator; informative indicators are not targeted")
    func shape() throws {
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national,
                                          measures: n1(ara2UCD: 400, iecUCD: 600, ara2Amount: 20000))
        #expect(run.decisions.map(\.indicatorCode) == ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"])
        #expect(run.targetedSubjects == ["E1"])
    }

    @Test("HDF conciliation: establishments graded C or D are targeted")
    func gradeTargeting() throws {
        var set = MeasureSet(members: ["A", "B", "C", "D"].map { MeasureSet.Member(subject: $0, region: "32") })
        for letter in ["A", "B", "C", "D"] {
            set.set(MeasureValue(.grade(Character(letter))), measure: "conciliation_grade", year: 2020, for: letter)
        }
        let run = try TargetingEngine.run(RulesFixtures.hdf, referenceYear: 2020, population: .region("32"), measures: set)
        let targeted = run.decisions.filter { $0.indicatorCode == "HDF-CONCIL" && $0.outcome == .targeted }.map(\.subject)
        #expect(targeted == ["C", "D"])
    }

    @Test("a regional catalogue cannot target another region")
    func regionalScope() {
        #expect(throws: TargetingError.populationOutsideScope(catalogue: "regional-hdf-2022", scope: .region("32"),
                                                               requested: .region("11"))) {
            try TargetingEngine.run(RulesFixtures.hdf, referenceYear: 2020, population: .region("11"), measures: MeasureSet())
        }
    }
}
