import Foundation
import Testing
@testable import CAQESCore

/// Nine establishments with HF activity: stays quartiles 30 / 50 / 70, readmission-rate quartiles
/// 30 % / 55 % / 75 % (exact order statistics, so ties at the boundaries are exact).
private let population: [(subject: String, stays: Decimal, readmissions: Decimal, region: String)] = [
    ("M1", 90, 72, "32"),    // 80 %
    ("M2", 40, 36, "32"),    // 90 %
    ("M3", 80, 48, "32"),    // 60 %
    ("M4", 30, Decimal(string: "22.5")!, "32"),  // 75 %
    ("M5", 50, Decimal(string: "27.5")!, "11"),  // 55 %
    ("M6", 60, 30, "11"),    // 50 %
    ("M7", 70, 7, "11"),     // 10 %
    ("M8", 20, 6, "11"),     // 30 %
    ("M9", 10, 2, "11"),     // 20 %
]

private func heartFailureSet(_ rows: [(subject: String, stays: Decimal, readmissions: Decimal, region: String)] = population) -> MeasureSet {
    var set = MeasureSet(members: rows.map { MeasureSet.Member(subject: $0.subject, category: "355", region: $0.region) })
    for row in rows {
        set.set(row.stays, measure: "hf_stays", year: 2019, for: row.subject)
        set.set(row.readmissions, measure: "hf_readmissions_3m", year: 2019, for: row.subject)
    }
    return set
}

@Suite("Heart-failure targeting (D5, D6)")
struct HeartFailureTargetingTests {
    let run = try! TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national,
                                       measures: heartFailureSet())

    @Test("((stays > Q1 and rate > Q3) or (stays > Q2 and rate > Q2)) and readmissions > 10",
          arguments: [
              ("M1", true),   // first branch
              ("M2", true),   // first branch, stays below the median
              ("M3", true),   // second branch only
              ("M4", false),  // stays equal to Q1 and rate equal to Q3: strict ">" fails both
              ("M5", false),  // stays and rate equal to Q2
              ("M6", false),  // stays above Q2, rate below Q2
              ("M7", false),  // high volume, low rate
          ])
    func rule(subject: String, targeted: Bool) throws {
        let decision = try #require(run.decision(for: subject, indicator: "N7"))
        #expect(decision.outcome == (targeted ? .targeted : .notTargeted), "\(decision.summary)")
        #expect(decision.criteria.count == 5)
    }

    @Test("the one-line summary shows each criterion with its value and threshold")
    func summary() throws {
        let decision = try #require(run.decision(for: "M4", indicator: "N7"))
        #expect(decision.summary.hasPrefix("M4 N7 non ciblé : Séjours IC > Q1 national : 30 > 30,00 = non rempli ; "))
        let quartile = decision.criteria[0].explanation.children[1]
        #expect(quartile.source == "9 établissements ayant une valeur")
    }

    @Test("quartiles use linear interpolation over the establishments that have a value")
    func quartileValues() throws {
        let criteria = try #require(run.decision(for: "M1", indicator: "N7")).criteria
        #expect(criteria.map(\.threshold) == [.number(30), .number(Decimal(string: "0.75")!), .number(50),
                                              .number(Decimal(string: "0.55")!), .number(10)])
    }

    @Test("exactly 10 readmissions is not more than 10: not targeted even when both quartile branches hold")
    func readmissionFloor() throws {
        let small: [(subject: String, stays: Decimal, readmissions: Decimal, region: String)] = [
            ("P1", 20, 10, "32"), ("P2", 16, 3, "32"), ("P3", 12, 2, "32"), ("P4", 8, 1, "32"), ("P5", 4, 0, "32"),
        ]
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national,
                                          measures: heartFailureSet(small))
        let decision = try #require(run.decision(for: "P1", indicator: "N7"))
        #expect(decision.outcome == .notTargeted)
        #expect(decision.criteria.map(\.outcome) == [.met, .met, .met, .met, .notMet])
    }

    @Test("a regional run of a national indicator lists the region only but keeps national quartiles")
    func regionalRunNationalStatistics() throws {
        let regional = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .region("32"),
                                               measures: heartFailureSet())
        #expect(Set(regional.decisions.map(\.subject)) == ["M1", "M2", "M3", "M4"])
        let criteria = try #require(regional.decision(for: "M2", indicator: "N7")).criteria
        #expect(criteria[0].threshold == .number(30))  // national Q1 of stays; the region's own would be 37,5
        #expect(regional.decision(for: "M4", indicator: "N7")?.outcome == .notTargeted)
    }

    @Test("an establishment without readmission data is not evaluable, and left out of the rate quartiles")
    func missingReadmissions() throws {
        var set = heartFailureSet()
        set.add(MeasureSet.Member(subject: "M10", category: "355", region: "11"))
        set.set(50, measure: "hf_stays", year: 2019, for: "M10")
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national, measures: set)
        let decision = try #require(run.decision(for: "M10", indicator: "N7"))
        #expect(decision.outcome == .notEvaluable(missing: [MissingValue(code: "hf_readmissions_3m", year: 2019)], reasons: []))
        #expect(decision.explanation.value == "non évaluable")
        #expect("\(decision.outcome)" == "non évaluable — données manquantes : hf_readmissions_3m (2019)")
        // The rate quartiles still come from the nine establishments that have a rate.
        let m1 = try #require(run.decision(for: "M1", indicator: "N7"))
        #expect(m1.criteria[1].threshold == .number(Decimal(string: "0.75")!))
    }
}
