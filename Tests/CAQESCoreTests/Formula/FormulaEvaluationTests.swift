import Foundation
import Testing
@testable import CAQESCore

@Suite("Formula evaluation")
struct FormulaEvaluationTests {
    @Test("dividing by zero is an error naming the establishment and the place")
    func divisionByZero() throws {
        let formula = try compile("spend[N] / boxes[N]")
        let error = evaluationError(formula, establishment(["spend": [2023: 100], "boxes": [2023: 0]]))
        #expect(error == .divisionByZero(subject: "010000024", loc(19)))
        #expect(error?.description.hasPrefix("établissement 010000024 : division par zéro (national-2022.yaml, ligne 42, colonne 19)") == true)
    }

    @Test("safe_div answers its fallback when the divisor is zero, the quotient otherwise", arguments: [
        (Decimal(0), Decimal(-1)),
        (Decimal(4), Decimal(25)),
    ])
    func safeDivision(divisor: Decimal, expected: Decimal) throws {
        let formula = try compile("safe_div(spend[N], boxes[N], -1)")
        let context = establishment(["spend": [2023: 100], "boxes": [2023: divisor]])
        #expect(try FormulaEvaluator.evaluate(formula, in: context).value == .number(expected))
    }

    @Test("every missing input is listed, sorted, and none is read as zero")
    func missingValuesListed() throws {
        let formula = try compile("max(0, spend[N-1] - spend[N]) + boxes[N] * 0 + phev_ipp_amount[REF]")
        let context = establishment(["spend": [2023: 220_000]], referenceYear: 2021)
        let error = evaluationError(formula, context)
        #expect(error == .missingValues(subject: "010000024", [
            MissingValue(code: "boxes", year: 2023),
            MissingValue(code: "phev_ipp_amount", year: 2021),
            MissingValue(code: "spend", year: 2022),
        ]))
        #expect(error?.description == "établissement 010000024 : non évaluable, mesures manquantes : "
            + "boxes (2023), phev_ipp_amount (2021), spend (2022)")
    }

    @Test("an unknown condition reports the inputs of both branches; a known one only its branch's")
    func missingThroughIf() throws {
        let formula = try compile("if(flag[N], spend[N], boxes[N])")
        #expect(evaluationError(formula, establishment()) == .missingValues(subject: "010000024", [
            MissingValue(code: "boxes", year: 2023), MissingValue(code: "flag", year: 2023), MissingValue(code: "spend", year: 2023),
        ]))
        // flag is true: boxes (missing) is not needed.
        let withFlag = TestPopulation(members: [TestPopulation.Member(
            id: "X", category: nil,
            values: ["flag": [2023: MeasureValue(.boolean(true))], "spend": [2023: MeasureValue(.number(7))]])]).context(0)
        #expect(try FormulaEvaluator.evaluate(formula, in: withFlag).value == .number(7))
    }

    @Test("is_known tells whether a value exists, so a formula can choose what to do without it", arguments: [
        ([2022: Decimal(250_000), 2023: 220_000], Decimal(30_000)),
        ([2023: Decimal(220_000)], Decimal(0)),
    ])
    func isKnown(spend: [Int: Decimal], expected: Decimal) throws {
        let formula = try compile("if(is_known(spend[N-1]), spend[N-1] - spend[N], 0)")
        #expect(try FormulaEvaluator.evaluate(formula, in: establishment(["spend": spend])).value == .number(expected))
    }

    @Test("a REF year without a catalogue reference year is an error naming the establishment")
    func noReferenceYear() throws {
        let formula = try compile("spend[REF]")
        #expect(evaluationError(formula, establishment()) == .noReferenceYear(subject: "010000024", loc(10)))
    }

    @Test("a measure value of the wrong type is reported, not coerced")
    func wrongValueType() throws {
        let formula = try compile("spend[N] + 1")
        let error = evaluationError(formula, establishment(grades: ["spend": [2023: "A"]]))
        guard case .type(let at, let message)? = error else {
            Issue.record("expected a type error, got \(String(describing: error))")
            return
        }
        #expect(at == loc(10))
        #expect(message.contains("« spend » (2023)"))
    }

    /// D11: grades are ordinal, A best; "met" is grade ≥ target.
    @Test("grades compare with A best, so grade >= target means the target is met", arguments: [
        ("'B' >= 'C'", true), ("'C' >= 'B'", false), ("'B' >= 'B'", true), ("'A' > 'D'", true),
        ("'D' < 'C'", true), ("'A' <= 'B'", false), ("'A' = 'A'", true), ("'A' != 'B'", true),
    ])
    func gradeComparison(text: String, expected: Bool) throws {
        #expect(try FormulaEvaluator.evaluate(compile(text), in: establishment()).value == .boolean(expected))
    }

    @Test("an establishment's conciliation grade meets the target grade when at least as good", arguments: [
        (Character("A"), true), ("B", true), ("C", false), ("D", false),
    ])
    func conciliationTarget(grade: Character, met: Bool) throws {
        let formula = try compile("conciliation[N] >= target_grade")
        let context = establishment(grades: ["conciliation": [2023: grade]])
        #expect(try FormulaEvaluator.evaluate(formula, in: context).value == .boolean(met))
    }

    /// DOMAIN B.8 examples 11 and 12: floor target met at ≥, ceiling target at ≤.
    @Test("percentages compare as fractions: biosimilar floor 92 %, subcutaneous ceiling 10 %", arguments: [
        ("rate[N] >= 92%", dec("0.915"), false),
        ("rate[N] >= 92%", dec("0.92"), true),
        ("rate[N] <= 10%", Decimal(14) / Decimal(150), true),
        ("rate[N] <= 10%", dec("0.1"), true),
    ])
    func percentTargets(text: String, rate: Decimal, met: Bool) throws {
        #expect(try FormulaEvaluator.evaluate(compile(text), in: establishment(["rate": [2023: rate]])).value == .boolean(met))
    }

    @Test("a named formula shifted to N-1 reads its measures one year earlier")
    func shiftedNamedFormula() throws {
        var scope = FormulaScope(measures: ["amb": .number, "tap": .number])
        scope.formulas["ratio"] = try compile("amb[N] / (amb[N] + tap[N])", scope: scope)
        let formula = try compile("ratio[N-1] - ratio[N]", scope: scope)
        let context = establishment(["amb": [2022: 550, 2023: 520], "tap": [2022: 450, 2023: 480]])
        #expect(try FormulaEvaluator.evaluate(formula, in: context).value == .number(dec("0.03")))
    }
}
