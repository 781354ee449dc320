import Foundation
import Testing
@testable import CAQESCore

/// A small varied population: two categories, two regions, some missing values.
private func variedSet() -> MeasureSet {
    var set = MeasureSet()
    for i in 0..<40 {
        let subject = "S\(i)"
        set.add(MeasureSet.Member(subject: subject, category: i % 3 == 0 ? "106" : "355", region: i % 2 == 0 ? "32" : "11"))
        let n = Decimal(i + 1)
        set.set(n * 1000, measure: "phev_dressing_amount", year: 2019, for: subject)
        set.set(Decimal(60 + (i * 7) % 90), measure: "phev_dressing_patients", year: 2019, for: subject)
        if i % 7 != 3 { set.set(Decimal(10 + (i * 13) % 70), measure: "hf_stays", year: 2019, for: subject) }
        if i % 11 != 5 { set.set(Decimal((i * 5) % 23), measure: "hf_readmissions_3m", year: 2019, for: subject) }
        set.set(n * 300, measure: "phev_ara2_ucd", year: 2019, for: subject)
        set.set(Decimal(9000 - i * 100), measure: "phev_iec_ucd", year: 2019, for: subject)
        set.set(n * 1500, measure: "phev_ara2_amount", year: 2019, for: subject)
    }
    return set
}

@Suite("Bulk runs give the same results as one-by-one evaluation")
struct BulkRunConsistencyTests {
    @Test("every decision of a run equals the eagerly explained decision, explanation included")
    func targetingRunMatchesDecide() throws {
        let set = variedSet()
        let catalogue = RulesFixtures.national2022
        let run = try TargetingEngine.run(catalogue, referenceYear: 2019, population: .national, measures: set)
        let frame = set.frame(year: 2019, referenceYear: nil, population: .national)
        #expect(run.decisions.count == 40 * 8)
        for decision in run.decisions {
            let indicator = try #require(catalogue.indicator(decision.indicatorCode))
            let eager = TargetingEngine.decide(indicator, rule: indicator.targeting!, in: frame.context(for: decision.subject)!)
            #expect(decision == eager, "\(decision.subject) \(decision.indicatorCode)")
            #expect(decision.explanation == eager.explanation)
        }
        #expect(run.decisions.contains { $0.outcome == .targeted })
        #expect(run.decisions.contains { if case .notEvaluable = $0.outcome { true } else { false } })
    }

    @Test("a quartile threshold's explanation names the population it was computed over")
    func quartileExplanation() throws {
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2019, population: .national, measures: variedSet())
        let decision = try #require(run.decision(for: "S1", indicator: "N7"))
        let threshold = decision.criteria[0].explanation.children[1]
        #expect(threshold.label == "q1(hf_stays[N])")
        #expect(threshold.source?.contains("établissements") == true, "\(threshold)")
    }

    @Test("incentive lines of a bulk run carry the same amounts, values and traces as one-by-one computation")
    func incentiveRunMatchesCompute() throws {
        var set = MeasureSet()
        for i in 0..<30 {
            let subject = "S\(i)"
            set.add(MeasureSet.Member(subject: subject))
            set.set(Decimal(100_000 + i * 1000), measure: "phev_ipp_amount", year: 2022, for: subject)
            if i != 7 { set.set(Decimal(100_000 + (i % 5) * 3000), measure: "phev_ipp_amount", year: 2023, for: subject) }
        }
        let catalogue = RulesFixtures.national2022
        let contracts = set.members.map { ContractIncentiveTerms(subject: $0.subject, startYear: 2022, indicators: ["N2"]) }
        let lines = try NationalIncentive.run(catalogue, year: 2023, measures: set, contracts: contracts)
        let frame = set.frame(year: 2023, referenceYear: 2021, population: .national)
        for line in lines {
            let eager = try NationalIncentive.compute(catalogue.indicator("N2")!, in: frame.context(for: line.subject)!)
            #expect(line == eager)
            #expect(line.trace == eager.trace)
        }
        #expect(lines.first { $0.subject == "S7" }?.status == .notEvaluable(missing: [MissingValue(code: "phev_ipp_amount", year: 2023)], reasons: []))
    }
}
