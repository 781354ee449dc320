import Foundation
@testable import CAQESCore

/// An in-memory population of establishments for formula tests.
final class TestPopulation: Sendable {
    struct Member: Sendable {
        let id: String
        let category: String?
        let values: [String: [Int: MeasureValue]]
    }

    let members: [Member]
    let year: Int
    let referenceYear: Int?
    let cache: PopulationStatisticsCache?

    init(year: Int = 2023, referenceYear: Int? = nil, cached: Bool = true, members: [Member]) {
        self.members = members
        self.year = year
        self.referenceYear = referenceYear
        self.cache = cached ? PopulationStatisticsCache() : nil
    }

    func context(_ index: Int) -> TestEstablishment { TestEstablishment(population: self, index: index) }

    func context(_ id: String) -> TestEstablishment {
        context(members.firstIndex { $0.id == id }!)
    }
}

struct TestEstablishment: FormulaContext {
    let population: TestPopulation
    let index: Int

    var member: TestPopulation.Member { population.members[index] }
    var subject: String { member.id }
    var year: Int { population.year }
    var referenceYear: Int? { population.referenceYear }
    var category: String? { member.category }
    var statisticsCache: PopulationStatisticsCache? { population.cache }

    func value(of measure: String, year: Int) -> MeasureValue? { member.values[measure]?[year] }

    func population(category: String?) -> [any FormulaContext] {
        population.members.indices
            .filter { category == nil || population.members[$0].category == category }
            .map { TestEstablishment(population: population, index: $0) }
    }
}

/// One establishment alone, from `code: [year: number]`.
func establishment(
    _ numbers: [String: [Int: Decimal]] = [:], grades: [String: [Int: Character]] = [:],
    id: String = "010000024", year: Int = 2023, referenceYear: Int? = nil, category: String? = nil
) -> TestEstablishment {
    TestPopulation(year: year, referenceYear: referenceYear, members: [member(id, category: category, numbers, grades: grades)]).context(0)
}

func member(
    _ id: String, category: String? = nil, _ numbers: [String: [Int: Decimal]] = [:],
    grades: [String: [Int: Character]] = [:]
) -> TestPopulation.Member {
    var values: [String: [Int: MeasureValue]] = [:]
    for (code, years) in numbers {
        values[code] = years.mapValues { MeasureValue(.number($0), source: "\(code).csv") }
    }
    for (code, years) in grades {
        values[code] = years.mapValues { MeasureValue(.grade($0), source: "\(code).csv") }
    }
    return TestPopulation.Member(id: id, category: category, values: values)
}

let here = SourceLocation(file: "national-2022.yaml", line: 42, column: 10)

func loc(_ column: Int, line: Int = 42) -> SourceLocation {
    SourceLocation(file: "national-2022.yaml", line: line, column: column)
}

func dec(_ text: String) -> Decimal { Decimal(string: text)! }

/// A scope with a few measures and parameters used across the tests.
let testScope = FormulaScope(
    measures: [
        "spend": .number, "phev_ipp_amount": .number, "boxes": .number, "rate": .number,
        "stays": .number, "readmissions": .number, "conciliation": .grade, "flag": .boolean,
        "num": .number, "den": .number,
    ],
    parameters: [
        "cap": .number(dec("0.3")), "threshold_boxes": .number(8500), "target_grade": .grade("B"),
    ],
    percentParameters: ["cap"]
)

func compile(_ text: String, scope: FormulaScope = testScope) throws(FormulaError) -> CompiledFormula {
    try FormulaCompiler.compile(text, at: here, scope: scope)
}

func compileError(_ text: String, scope: FormulaScope = testScope) -> FormulaError? {
    do {
        _ = try FormulaCompiler.compile(text, at: here, scope: scope)
        return nil
    } catch {
        return error
    }
}

func evaluationError(_ formula: CompiledFormula, _ context: some FormulaContext) -> FormulaError? {
    do {
        _ = try FormulaEvaluator.evaluate(formula, in: context)
        return nil
    } catch {
        return error
    }
}
