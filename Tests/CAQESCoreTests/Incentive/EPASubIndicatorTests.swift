import Foundation
import Testing
@testable import CAQESCore

/// One EPA case: eligible stays and stays with the test, in the reference year (2021) and in N (2023).
struct EPACase: CustomTestStringConvertible, Sendable {
    let name: String
    /// Per sub-indicator 1…4: (eligible REF, with test REF, eligible N, with test N).
    let rows: [(Decimal, Decimal, Decimal, Decimal)]
    let savings: Decimal
    let amount: Decimal
    /// Sub-indicators the explanation must name as contributing 0 € for want of eligible stays.
    let withoutStays: [Int]
    var testDescription: String { name }
}

/// Act amounts 20, 18, 5, 8 €; rates as in DOMAIN B.8-8 (1 440 + 3 240 + 0 + 960 = 5 640).
private let cases: [EPACase] = [
    EPACase(name: "B.8-8 with every sub-indicator active: 5 640 of savings, 1 692 €",
            rows: [(1000, 300, 1000, 180), (2000, 800, 2000, 500), (1000, 100, 1000, 150), (1000, 500, 1000, 300)],
            savings: 5640, amount: 1692, withoutStays: []),
    EPACase(name: "EPA 1 without eligible stays in N: 0 € for it, 3 240 + 960 still paid",
            rows: [(1000, 300, 0, 0), (2000, 800, 2000, 500), (1000, 100, 1000, 150), (1000, 500, 1000, 300)],
            savings: 4200, amount: 1260, withoutStays: [1]),
    EPACase(name: "EPA 4 without eligible stays in the reference period: 0 € for it, the others paid",
            rows: [(1000, 300, 1000, 180), (2000, 800, 2000, 500), (1000, 100, 1000, 150), (0, 0, 1000, 300)],
            savings: 4680, amount: 1404, withoutStays: [4]),
    EPACase(name: "EPA 2 and 3 without eligible stays: 1 440 + 960 paid",
            rows: [(1000, 300, 1000, 180), (2000, 800, 0, 0), (0, 0, 0, 0), (1000, 500, 1000, 300)],
            savings: 2400, amount: 720, withoutStays: [2, 3]),
]

@Suite("EPA sub-indicators without eligible stays (D26)")
struct EPASubIndicatorTests {
    @Test("a sub-indicator without eligible stays contributes 0 € and says so; the others are paid", arguments: cases)
    func subIndicatorWithoutStays(_ example: EPACase) throws {
        var values: [String: [Int: Decimal]] = [:]
        for (offset, row) in example.rows.enumerated() {
            let i = offset + 1
            values["epa\(i)_eligible_stays"] = [2021: row.0, 2023: row.2]
            values["epa\(i)_stays_with_test"] = [2021: row.1, 2023: row.3]
            values["epa\(i)_act_amount"] = [2023: [20, 18, 5, 8][offset]]
        }
        let set = RulesFixtures.measures(values)
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2022, indicators: ["N8"])
        let line = try #require(try NationalIncentive.run(RulesFixtures.national2022, year: 2023, measures: set,
                                                           contracts: [terms]).first)
        #expect(line.status == .paid, "\(line.status)")
        #expect(line.savings == example.savings)
        #expect(line.amount == example.amount)
        for i in 1...4 {
            let said = line.trace.contains("EPA \(i)") && line.trace.contains("aucun séjour éligible")
            let note = line.explanation.children.contains { $0.label.hasPrefix("EPA \(i) ") && $0.value == "contribue 0 €" }
            #expect(said == example.withoutStays.contains(i), "EPA \(i): \(line.trace)")
            #expect(note == example.withoutStays.contains(i), "EPA \(i) in the explanation")
        }
        // The eager explanation equals the one a bulk run builds on first read.
        let eager = try NationalIncentive.compute(RulesFixtures.national2022.indicator("N8")!,
                                                  in: RulesFixtures.context(set, year: 2023, referenceYear: 2021))
        #expect(eager.explanation == line.explanation)
        #expect(eager.amount == line.amount)
    }

    @Test("a missing count is still not evaluable: missing is never zero")
    func missingIsNotZero() throws {
        var values: [String: [Int: Decimal]] = [:]
        for i in 1...4 {
            values["epa\(i)_eligible_stays"] = [2021: 1000, 2023: 1000]
            values["epa\(i)_stays_with_test"] = [2021: 300, 2023: 200]
            values["epa\(i)_act_amount"] = [2023: 10]
        }
        values["epa2_eligible_stays"] = [2021: 1000]
        let set = RulesFixtures.measures(values)
        let line = try NationalIncentive.compute(RulesFixtures.national2022.indicator("N8")!,
                                                 in: RulesFixtures.context(set, year: 2023, referenceYear: 2021))
        guard case .notEvaluable(let missing, _) = line.status else {
            Issue.record("expected non évaluable, got \(line.status)")
            return
        }
        #expect(missing.contains(MissingValue(code: "epa2_eligible_stays", year: 2023)))
        #expect(line.amount == 0)
    }
}
