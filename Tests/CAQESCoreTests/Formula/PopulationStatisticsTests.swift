import Foundation
import Testing
@testable import CAQESCore

@Suite("Population statistics in formulas")
struct PopulationStatisticsTests {
    /// A population whose `stays` in 2023 are `values` (nil = no value), categories alternating.
    static func population(_ values: [Decimal?], categories: [String]? = nil, cached: Bool = true) -> TestPopulation {
        TestPopulation(cached: cached, members: values.enumerated().map { i, value in
            member("ES\(i)", category: categories?[i], value.map { ["stays": [2023: $0]] } ?? [:])
        })
    }

    static func value(_ text: String, _ population: TestPopulation, member: Int = 0) throws -> FormulaValue {
        try FormulaEvaluator.evaluate(compile(text), in: population.context(member)).value
    }

    /// Expected values are Excel QUARTILE.INC / PERCENTILE.INC (R type 7).
    @Test("quartiles and percentiles interpolate like Excel's QUARTILE.INC", arguments: [
        ([1, 2, 3, 4], "q1(stays[N])", "1.75"),
        ([1, 2, 3, 4], "q2(stays[N])", "2.5"),
        ([1, 2, 3, 4], "median(stays[N])", "2.5"),
        ([1, 2, 3, 4], "q3(stays[N])", "3.25"),
        ([4, 3, 2, 1], "q1(stays[N])", "1.75"),
        ([1, 2, 3, 4], "percentile(stays[N], 0)", "1"),
        ([1, 2, 3, 4], "percentile(stays[N], 100%)", "4"),
        ([1, 2, 3, 4], "percentile(stays[N], 90%)", "3.7"),
        ([3, 7, 8, 5, 12, 14, 21, 13, 18], "q1(stays[N])", "7"),
        ([3, 7, 8, 5, 12, 14, 21, 13, 18], "q3(stays[N])", "14"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "q1(stays[N])", "3.25"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "q3(stays[N])", "7.75"),
        ([1, 2, 2, 2, 3], "q1(stays[N])", "2"),
        ([1, 2, 2, 2, 3], "q3(stays[N])", "2"),
        ([1, 1, 5, 5], "q2(stays[N])", "3"),
        ([5, 5, 5, 5], "q3(stays[N])", "5"),
        ([7], "q1(stays[N])", "7"),
    ] as [([Decimal], String, String)])
    func quartiles(values: [Decimal], text: String, expected: String) throws {
        #expect(try Self.value(text, Self.population(values)) == .number(dec(expected)))
    }

    @Test("members without a value are left out of the quartiles (D6), the subject included")
    func membersWithoutValue() throws {
        let population = Self.population([nil, 1, nil, 2, 3, 4])
        #expect(try Self.value("q1(stays[N])", population, member: 0) == .number(dec("1.75")))
    }

    @Test("a statistic over a population without any value is an error naming the establishment")
    func emptyPopulation() throws {
        let error = evaluationError(try compile("q1(stays[N])"), Self.population([nil, nil]).context(1))
        #expect(error == .emptyPopulation(subject: "ES1", loc(10), "stays[N]"))
    }

    @Test("by: category restricts a statistic to the establishment's own category")
    func byCategory() throws {
        let population = Self.population([1, 2, 3, 100, 200, 300], categories: ["CH", "CH", "CH", "CHU", "CHU", "CHU"])
        #expect(try Self.value("median(stays[N], by: category)", population, member: 0) == .number(2))
        #expect(try Self.value("median(stays[N], by: category)", population, member: 4) == .number(200))
        #expect(try Self.value("median(stays[N])", population, member: 4) == .number(dec("51.5")))
    }

    @Test("by: category for an establishment without a category is an error")
    func byCategoryWithoutCategory() throws {
        let error = evaluationError(try compile("q1(stays[N], by: category)"), Self.population([1, 2]).context(0))
        #expect(error == .missingCategory(subject: "ES0", loc(10)))
    }

    @Test("pooled_ratio divides the sum of numerators by the sum of denominators over the category")
    func pooledRatio() throws {
        let population = TestPopulation(members: [
            member("A", category: "CH", ["num": [2023: 10], "den": [2023: 100]]),
            member("B", category: "CH", ["num": [2023: 30], "den": [2023: 100]]),
            member("C", category: "CH", ["num": [2023: 5]]),
            member("D", category: "CLCC", ["num": [2023: 90], "den": [2023: 100]]),
        ])
        let formula = try compile("pooled_ratio(num[N], den[N], by: category)")
        let evaluation = try FormulaEvaluator.evaluate(formula, in: population.context("A"))
        #expect(evaluation.value == .number(dec("0.2")))
        #expect(evaluation.explanation.source == "Σ 40 / Σ 200, 2 établissements ayant une valeur, catégorie « CH »")
        #expect(try FormulaEvaluator.evaluate(compile("pooled_ratio(num[N], den[N])"), in: population.context("A")).value
            == .number(dec("0.433333333333333333")))
    }

    /// D5: ((stays > Q1 and rate > Q3) or (stays > Q2 and rate > Q2)) and readmissions > 10.
    @Test("heart-failure targeting combines quartiles of two measures")
    func heartFailureTargeting() throws {
        let rows: [(String, Decimal, Decimal, Decimal)] = [
            ("A", 45, dec("0.40"), 20), ("B", 70, dec("0.36"), 20), ("C", 90, dec("0.26"), 5),
            ("D", 10, dec("0.35"), 30), ("E", 20, dec("0.10"), 30),
        ]
        let population = TestPopulation(members: rows.map {
            member($0.0, ["stays": [2023: $0.1], "rate": [2023: $0.2], "readmissions": [2023: $0.3]])
        })
        let formula = try compile("""
            ((stays[N] > q1(stays[N]) and rate[N] > q3(rate[N]))
              or (stays[N] > q2(stays[N]) and rate[N] > q2(rate[N])))
              and readmissions[N] > 10
            """)
        // stays: Q1 20, Q2 45; rate: Q2 0.35, Q3 0.36. A by the first clause, B by the second.
        let targeted = try rows.indices.filter {
            try FormulaEvaluator.value(of: formula, in: population.context($0)) == .boolean(true)
        }.map { rows[$0].0 }
        #expect(targeted == ["A", "B"])
    }

    @Test("a population statistic is computed once per population, then read from the cache")
    func cachedOncePerPopulation() throws {
        let values: [Decimal?] = (1...200).map { Decimal($0) }
        let cached = Self.population(values)
        let uncached = Self.population(values, cached: false)
        let formula = try compile("stays[N] > q3(stays[N]) or stays[N] < q1(stays[N]) or stays[N] = median(stays[N])")
        for i in 0..<200 {
            #expect(try FormulaEvaluator.value(of: formula, in: cached.context(i))
                == FormulaEvaluator.value(of: formula, in: uncached.context(i)))
        }
        // q3, q1 and median of the same expression share one sorted sample.
        #expect(cached.cache?.count == 1)
    }

    @Test("members evaluated concurrently share the cache and get the same answers")
    func concurrentEvaluation() async throws {
        let values: [Decimal?] = (1...300).map { Decimal($0 % 37) }
        let categories = (0..<300).map { ["CH", "CHU", "CLCC"][$0 % 3] }
        let population = Self.population(values, categories: categories)
        let formula = try compile("stays[N] > q3(stays[N], by: category) or stays[N] < percentile(stays[N], 10%)")
        let sequential = try (0..<300).map { try FormulaEvaluator.value(of: formula, in: Self.population(values, categories: categories, cached: false).context($0)) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, FormulaValue).self) { group in
            for i in 0..<300 {
                group.addTask { (i, try FormulaEvaluator.value(of: formula, in: population.context(i))) }
            }
            var results = [FormulaValue](repeating: .boolean(false), count: 300)
            for try await (i, value) in group { results[i] = value }
            return results
        }
        #expect(concurrent == sequential)
    }

    @Test("a member whose sub-formula divides by zero has no value and is left out of the statistic")
    func memberDivisionByZero() throws {
        var scope = testScope
        scope.formulas["per_stay"] = try compile("num[N] / den[N]")
        let population = TestPopulation(members: [
            member("A", ["num": [2023: 1], "den": [2023: 0]]),
            member("B", ["num": [2023: 1], "den": [2023: 4]]),
            member("C", ["num": [2023: 3], "den": [2023: 4]]),
        ])
        let formula = try compile("median(per_stay)", scope: scope)
        #expect(try FormulaEvaluator.evaluate(formula, in: population.context("B")).value == .number(dec("0.5")))
    }

    @Test("quantile helper: empty is nil, one value is itself")
    func quantileHelper() {
        #expect(PopulationStatistics.quantile([], dec("0.25")) == nil)
        #expect(PopulationStatistics.quantile([9], dec("0.75")) == 9)
    }
}
