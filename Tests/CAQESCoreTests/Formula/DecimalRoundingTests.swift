import Foundation
import Testing
@testable import CAQESCore

@Suite("Rounding exact ties")
struct DecimalRoundingTests {
    static let scope = FormulaScope(
        measures: Dictionary(uniqueKeysWithValues: (["dressing_amount", "dressing_patients"]
            + (1...4).flatMap { i in ["epa\(i)_eligible", "epa\(i)_tested", "epa\(i)_act"] }).map { ($0, FormulaType.number) }),
        parameters: ["cap": .number(dec("0.3")), "coverage": .number(dec("0.6"))],
        percentParameters: ["cap", "coverage"])

    /// N8 of national-2022: per test, (reference rate − rate) × eligible stays × act amount × 60 %
    /// when the rate fell.
    static let epaSavings = "sum_of(" + (1...4).map { i in
        let rate = "epa\(i)_tested[N] / epa\(i)_eligible[N]", reference = "epa\(i)_tested[REF] / epa\(i)_eligible[REF]"
        return "if(\(rate) < \(reference), (\(reference) - (\(rate))) * epa\(i)_eligible[N] * epa\(i)_act[N] * coverage, 0)"
    }.joined(separator: ", ") + ")"

    // Lines of the rules benchmark (establishments 100002356 and 100001511) whose exact amount is
    // a half cent: 72 195,375 € and 1 386,845 €. Quotients of 18–19 digits gave 72 195,37 and
    // 1 386,84 (38 digits gave 1 386,84 too).
    static let lines: [(formula: String, numbers: [String: [Int: Decimal]], expected: String)] = [
        ("round((dressing_amount[N-1] / dressing_patients[N-1] - dressing_amount[N] / dressing_patients[N]) * dressing_patients[N] * cap, 2)",
         ["dressing_amount": [2022: 190_505, 2023: 187_985], "dressing_patients": [2022: 140, 2023: 315]], "72195.38"),
        ("round(\(epaSavings) * cap, 2)",
         ["epa1_eligible": [2022: 280, 2023: 1050], "epa1_tested": [2022: 83, 2023: 9], "epa1_act": [2023: 21],
          "epa2_eligible": [2022: 630, 2023: 980], "epa2_tested": [2022: 124, 2023: 149], "epa2_act": [2023: 23],
          "epa3_eligible": [2022: 490, 2023: 455], "epa3_tested": [2022: 34, 2023: 42], "epa3_act": [2023: 15],
          "epa4_eligible": [2022: 175, 2023: 350], "epa4_tested": [2022: 54, 2023: 79], "epa4_act": [2023: 12]], "1386.85"),
    ]

    @Test("an amount that is exactly half a cent rounds away from zero even when its quotients do not terminate",
          arguments: lines)
    func exactHalfCent(formula: String, numbers: [String: [Int: Decimal]], expected: String) throws {
        let compiled = try compile(formula, scope: Self.scope)
        let context = establishment(numbers, referenceYear: 2022)
        #expect(try FormulaEvaluator.value(of: compiled, in: context) == .number(dec(expected)))
        #expect(try FormulaEvaluator.evaluate(compiled, in: context).value == .number(dec(expected)))
    }

    @Test("a value close to half a cent without being one keeps its plain rounding")
    func nearButNotATie() throws {
        let compiled = try compile("round(spend[N] / 1000000000000, 2)")
        // 0,004 999 999 999 €: 10⁻⁹ cent below the tie, exactly.
        #expect(try FormulaEvaluator.value(of: compiled, in: establishment(["spend": [2023: 4_999_999_999]])) == .number(0))
        #expect(try FormulaEvaluator.value(of: compiled, in: establishment(["spend": [2023: 5_000_000_000]])) == .number(dec("0.01")))
    }

    @Test("rounding is half away from zero; only a 38-digit value within 10⁻¹⁸ of a unit of a tie counts as the tie", arguments: [
        ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("-0.125", 2, "-0.13"), ("0.124999", 2, "0.12"), ("1250", -2, "1300"),
        ("72195.3749999999999999999999999999999994", 2, "72195.38"), ("-72195.3749999999999999999999999999999994", 2, "-72195.38"),
        ("1386.84500000000000000000000000000000009", 2, "1386.85"),
        ("72195.37499999999997", 2, "72195.37"), ("0.004999999999", 2, "0"),
    ])
    func halfAwayFromZero(value: String, places: Int, expected: String) {
        #expect(DecimalRounding.halfAwayFromZero(dec(value), places: places) == dec(expected))
    }

    @Test("near a tie the precise value decides the cent; elsewhere it is not computed")
    func settling() {
        var calls = 0
        let near = DecimalRounding.halfAwayFromZero(dec("72195.37499999999997"), places: 2) {
            calls += 1
            return dec("72195.3750000000000000000000000000000006")
        }
        let far = DecimalRounding.halfAwayFromZero(dec("72195.3749"), places: 2) {
            calls += 1
            return 0
        }
        #expect(near == dec("72195.38"))
        #expect(far == dec("72195.37"))
        #expect(calls == 1)
    }

    @Test("a fast-path value within 10⁻⁴ of a unit of a tie is flagged for a precise evaluation", arguments: [
        ("72195.37499999999997", true), ("72195.375", true), ("-1386.8450000000000001", true), ("0.004999999999", true),
        ("72195.3749", false), ("72195.37", false), ("72195", false), ("0.0049", false),
        ("72195.3749999999999999999999999999999994", true), ("0.33333333333333333333333333333333333333", false),
    ])
    func nearTie(value: String, near: Bool) {
        #expect(DecimalRounding.isNearTie(dec(value), places: 2) == near)
    }

    @Test("the precise evaluation keeps Foundation's 38 digits")
    func preciseValue() throws {
        let compiled = try compile("spend[N] / boxes[N] * 3")
        let context = establishment(["spend": [2023: 2], "boxes": [2023: 3]])
        #expect(try FormulaEvaluator.preciseValue(of: compiled, in: context) == .number(Decimal(2) / Decimal(3) * 3))
        #expect(try FormulaEvaluator.value(of: compiled, in: context) == .number(dec("2.000000000000000001")))
    }
}
