import Foundation
import Testing
@testable import CAQESCore

/// A comparison whose two sides are equal in exact arithmetic while the 64-bit fast path's
/// quotients put them a hair apart (D27).
struct ThresholdTie: CustomTestStringConvertible, Sendable {
    let name: String
    let formula: String
    let values: [String: [Int: Decimal]]
    let expected: Bool
    var testDescription: String { name }
}

private let formulaTies: [ThresholdTie] = [
    ThresholdTie(name: "1/3 < 99/297 is false (equal fractions, 18 and 19 fast digits)",
                 formula: "a[N] / b[N] < c[N] / d[N]", values: ["a": [2023: 1], "b": [2023: 3], "c": [2023: 99], "d": [2023: 297]],
                 expected: false),
    ThresholdTie(name: "99/297 > 1/3 is false",
                 formula: "c[N] / d[N] > a[N] / b[N]", values: ["a": [2023: 1], "b": [2023: 3], "c": [2023: 99], "d": [2023: 297]],
                 expected: false),
    ThresholdTie(name: "99/297 = 1/3 is true",
                 formula: "c[N] / d[N] = a[N] / b[N]", values: ["a": [2023: 1], "b": [2023: 3], "c": [2023: 99], "d": [2023: 297]],
                 expected: true),
    ThresholdTie(name: "(856/1120 − 500/700) × 100 >= 5 is true (+5,00 points exactly)",
                 formula: "(a[N] / b[N] - c[N] / d[N]) * 100 >= 5",
                 values: ["a": [2023: 856], "b": [2023: 1120], "c": [2023: 500], "d": [2023: 700]], expected: true),
    ThresholdTie(name: "a true difference of one part in 10¹² still counts",
                 formula: "a[N] / b[N] > c[N] / d[N]",
                 values: ["a": [2023: 1_000_000_000_001], "b": [2023: 3_000_000_000_000], "c": [2023: 1], "d": [2023: 3]],
                 expected: true),
]

@Suite("Exact comparisons at thresholds and targets (D27)")
struct ExactThresholdTests {
    @Test("comparisons inside formulas settle exact ties", arguments: formulaTies)
    func formulaComparison(_ tie: ThresholdTie) throws {
        let scope = FormulaScope(measures: ["a": .number, "b": .number, "c": .number, "d": .number])
        let formula = try compile(tie.formula, scope: scope)
        let context = establishment(tie.values)
        #expect(try FormulaEvaluator.value(of: formula, in: context) == .boolean(tie.expected))
        #expect(try FormulaEvaluator.evaluate(formula, in: context).value == .boolean(tie.expected))
    }

    @Test("IDF day-case option 1 at exactly +5,00 points is met (D10): 500/700 in 2023, 856/1120 in 2025")
    func dayCaseTie() throws {
        let set = RulesFixtures.measures(["surgery_ambulatory_stays": [2023: 500, 2025: 856], "surgery_stays": [2023: 700, 2025: 1120]],
                                         region: "11")
        let context = RulesFixtures.context(set, year: 2025, referenceYear: 2023, scope: .region("11"))
        let result = try RegionalTargets.evaluate(RulesFixtures.idf.indicator("IDF-CA-OPT1")!, in: context)
        #expect(result.status == .achieved, "\(result.trace)")
        // Just below: 855/1120 is +4,91 points.
        let below = RulesFixtures.measures(["surgery_ambulatory_stays": [2023: 500, 2025: 855], "surgery_stays": [2023: 700, 2025: 1120]],
                                           region: "11")
        let missed = try RegionalTargets.evaluate(RulesFixtures.idf.indicator("IDF-CA-OPT1")!,
                                                  in: RulesFixtures.context(below, year: 2025, referenceYear: 2023, scope: .region("11")))
        #expect(missed.status == .notAchieved)
    }

    /// Category average 10 000 / 700 €; A's 6 000 / 300 = 20 € is exactly 1,4 × the average.
    @Test("dressings: exactly 1,4 × the category's amount per patient is not « more than 40 % » above it",
          arguments: [(Decimal(6000), false), (Decimal(string: "6000.01")!, true), (Decimal(5999), false)])
    func dressingTie(amountA: Decimal, targeted: Bool) throws {
        var set = MeasureSet(members: [MeasureSet.Member(subject: "A", category: "355", region: "32"),
                                       MeasureSet.Member(subject: "B", category: "355", region: "32")])
        set.set(amountA, measure: "phev_dressing_amount", year: 2022, for: "A")
        set.set(300, measure: "phev_dressing_patients", year: 2022, for: "A")
        set.set(10000 - amountA, measure: "phev_dressing_amount", year: 2022, for: "B")
        set.set(400, measure: "phev_dressing_patients", year: 2022, for: "B")
        let run = try TargetingEngine.run(RulesFixtures.national2022, referenceYear: 2022, population: .national, measures: set)
        let decision = try #require(run.decision(for: "A", indicator: "N5"))
        #expect(decision.outcome == (targeted ? .targeted : .notTargeted), "\(decision.summary)")
        // The eager path (one establishment, explanation built at once) agrees with the bulk run.
        let context = RulesFixtures.context(set, year: 2022, subject: "A")
        let eager = TargetingEngine.decide(RulesFixtures.national2022.indicator("N5")!,
                                           rule: RulesFixtures.national2022.indicator("N5")!.targeting!, in: context)
        #expect(eager.outcome == decision.outcome)
    }

    @Test("near-tie detection: within 10⁻⁹ of the larger side (or of 1)", arguments: [
        ("5", "4.99999999999999997", true), ("0.05", "0.0499999999999999997", true), ("20", "19.99999999999999998", true),
        ("5", "4.999", false), ("1000000", "1000000.0001", true), ("0", "0.000001", false), ("0", "0", true),
    ])
    func nearTie(a: String, b: String, near: Bool) {
        #expect(ExactComparison.isNear(dec(a), dec(b)) == near)
    }

    @Test("quotients say whether they are exact: exact values compare without settling", arguments: [
        ("23", "25", true), ("1", "3", false), ("856", "1120", false), ("1", "8", true), ("0", "7", true), ("2", "3", false),
    ])
    func quotientExactness(numerator: String, denominator: String, exact: Bool) {
        var isExact = true
        _ = FastDecimal.divide(dec(numerator), dec(denominator), exact: &isExact)
        #expect(isExact == exact)
    }

    @Test("a rate equal to the population's Q3 through different fractions is not above it (38-digit sample)")
    func quartileTie() throws {
        // Rates 1/3 (A), 99/297 (B) and two below: Q3 of [0,1 ; 0,2 ; 1/3 ; 1/3] is 1/3, shared by A and B.
        let values: [(String, Decimal, Decimal)] = [("A", 1, 3), ("B", 99, 297), ("C", 1, 10), ("D", 2, 10)]
        let members = values.map { member($0.0, ["r": [2023: $0.1], "s": [2023: $0.2]]) }
        let scope = FormulaScope(measures: ["r": .number, "s": .number])
        let above = try compile("r[N] / s[N] > q3(r[N] / s[N])", scope: scope)
        let population = TestPopulation(year: 2023, members: members)
        for id in ["A", "B"] {
            #expect(try FormulaEvaluator.value(of: above, in: population.context(id)) == .boolean(false), "\(id)")
        }
    }
}
