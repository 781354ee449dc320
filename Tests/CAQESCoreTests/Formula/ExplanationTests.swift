import Foundation
import Testing
@testable import CAQESCore

@Suite("Formula explanations")
struct ExplanationTests {
    static let savings = "max(0, spend[N-1] - spend[N]) * cap"

    /// DOMAIN B.8 examples 1–4 and 7: incentive = max(0, N-1 − N) × cap, at the maximum rate.
    @Test("national incentive per DOMAIN B.8 worked examples", arguments: [
        ("N1 ARA II + IEC", Decimal(250_000), Decimal(220_000), "0.3", "9000"),
        ("N2 IPP", 180_000, 165_000, "0.2", "3000"),
        ("N2 IPP, spending rose", 180_000, 190_000, "0.2", "0"),
        ("N3 ezetimibe", 60_000, 48_000, "0.3", "3600"),
        ("N4 PERFADOM", 400_000, 350_000, "0.2", "10000"),
        ("N7 heart failure", 800_000, 700_000, "0.3", "30000"),
    ])
    func nationalIncentive(name: String, previous: Decimal, current: Decimal, cap: String, expected: String) throws {
        var scope = testScope
        scope.parameters["cap"] = .number(dec(cap))
        let formula = try compile(Self.savings, scope: scope)
        let context = establishment(["spend": [2022: previous, 2023: current]])
        #expect(try FormulaEvaluator.evaluate(formula, in: context).value == .number(dec(expected)), "\(name)")
    }

    @Test("B.8 example 1 reads (250 000 − 220 000) × 30 % = 9 000,00 on one line")
    func example1OneLine() throws {
        let context = establishment(["spend": [2022: 250_000, 2023: 220_000]])
        for text in ["(spend[N-1] - spend[N]) * 30%", "(spend[N-1] - spend[N]) * cap"] {
            let evaluation = try FormulaEvaluator.evaluate(compile(text), in: context)
            #expect(evaluation.explanation.oneLine == "(250\u{202F}000 − 220\u{202F}000) × 30 % = 9\u{202F}000,00")
        }
        let withMax = try FormulaEvaluator.evaluate(compile(Self.savings), in: context)
        #expect(withMax.explanation.oneLine == "max(0 ; 250\u{202F}000 − 220\u{202F}000) × 30 % = 9\u{202F}000,00")
    }

    @Test("B.8 example 5: dressings, (average N-1 − average N) × patients N × 30 % = 4 050")
    func example5Dressings() throws {
        let scope = FormulaScope(measures: ["avg": .number, "patients": .number],
                                 parameters: ["cap": .number(dec("0.3"))], percentParameters: ["cap"])
        let formula = try compile("max(0, avg[N-1] - avg[N]) * patients[N] * cap", scope: scope)
        let evaluation = try FormulaEvaluator.evaluate(formula, in: establishment(["avg": [2022: 120, 2023: 105], "patients": [2023: 900]]))
        #expect(evaluation.value == .number(4_050))
        #expect(evaluation.explanation.oneLine == "max(0 ; 120 − 105) × 900 × 30 % = 4\u{202F}050,00")
    }

    /// B.8 example 6, OP-5: the slide's formula divides by the average seated-transport cost.
    @Test("B.8 example 6: transports savings follow the slide's formula, 240 000, not 48 000")
    func example6Transports() throws {
        var scope = FormulaScope(measures: ["ratio": .number, "total": .number, "amb_cost": .number, "tap_cost": .number],
                                 parameters: ["cap": .number(dec("0.2"))], percentParameters: ["cap"])
        scope.formulas["amb_avg"] = try compile("amb_cost[N]", scope: scope)
        scope.formulas["tap_avg"] = try compile("tap_cost[N]", scope: scope)
        let savings = try compile("(ratio[N-1] - ratio[N]) * total[N] * (amb_avg - tap_avg) / tap_avg", scope: scope)
        let context = establishment([
            "ratio": [2022: dec("0.55"), 2023: dec("0.52")], "total": [2023: 2_000_000],
            "amb_cost": [2023: 300], "tap_cost": [2023: 60],
        ])
        let evaluation = try FormulaEvaluator.evaluate(savings, in: context)
        #expect(evaluation.value == .number(240_000))
        #expect(evaluation.explanation.oneLine
            == "(0,55 − 0,52) × 2\u{202F}000\u{202F}000 × (300,00 − 60,00) / 60,00 = 240\u{202F}000,00")
        scope.formulas["savings"] = savings
        let incentive = try compile("max(0, savings) * cap", scope: scope)
        #expect(try FormulaEvaluator.evaluate(incentive, in: context).value == .number(48_000))
    }

    @Test("a measure's explanation gives its code, calendar year and source")
    func measureLeaf() throws {
        let evaluation = try FormulaEvaluator.evaluate(compile("spend[N-1] - spend[N]"),
                                                       in: establishment(["spend": [2022: 250_000, 2023: 220_000]]))
        let root = evaluation.explanation
        #expect(root.label == "spend[N-1] - spend[N]")
        #expect(root.value == "30\u{202F}000,00")
        #expect(root.children.map(\.label) == ["spend[N-1]", "spend[N]"])
        #expect(root.children[0] == Explanation(label: "spend[N-1]", value: "250\u{202F}000", source: "spend.csv",
                                                measure: "spend", year: 2022))
    }

    @Test("a population statistic explains over how many establishments it was computed")
    func statisticLeaf() throws {
        let population = TestPopulation(members: (1...4).map { member("ES\($0)", ["stays": [2023: Decimal($0)]]) })
        let evaluation = try FormulaEvaluator.evaluate(compile("stays[N] > q1(stays[N])"), in: population.context(0))
        #expect(evaluation.value == .boolean(false))
        #expect(evaluation.explanation.oneLine == "1 > 1,75 = faux")
        #expect(evaluation.explanation.children[1].source == "4 établissements ayant une valeur")
    }

    @Test("booleans, grades and conditions read in French")
    func frenchWords() throws {
        let context = establishment(grades: ["conciliation": [2023: "B"]])
        let evaluation = try FormulaEvaluator.evaluate(compile("not (conciliation[N] >= 'A') and true"), in: context)
        #expect(evaluation.explanation.oneLine == "non (B ≥ A) et vrai = vrai")
        let branch = try FormulaEvaluator.evaluate(compile("if(conciliation[N] = 'B', 1, 2)"), in: context)
        #expect(branch.explanation.oneLine == "if(B = B ; 1 ; …) = 1,00")
    }

    @Test("numbers render the French way", arguments: [
        (dec("1234.56"), false, true, "1\u{202F}234,56"),
        (dec("9000"), false, true, "9\u{202F}000,00"),
        (dec("0.3"), true, false, "30 %"),
        (dec("0.125"), true, false, "12,5 %"),
        (dec("-1234567.891"), false, false, "-1\u{202F}234\u{202F}567,891"),
        (dec("0.604878048780"), false, true, "0,6049"),
        (dec("1000000"), false, false, "1\u{202F}000\u{202F}000"),
        (dec("-0.00001"), false, true, "0,00"),
        (dec("999"), false, false, "999"),
    ])
    func frenchNumbers(value: Decimal, percent: Bool, computed: Bool, expected: String) {
        #expect(FrenchNumberFormat.number(value, percent: percent, computed: computed) == expected)
    }

    @Test("values render for users in French", arguments: [
        (FormulaValue.number(dec("1234.5")), false, "1\u{202F}234,5"),
        (.number(dec("0.92")), true, "92 %"),
        (.boolean(true), false, "vrai"),
        (.boolean(false), false, "faux"),
        (.grade("B"), false, "B"),
    ])
    func frenchText(value: FormulaValue, percent: Bool, expected: String) {
        #expect(value.frenchText(asPercent: percent) == expected)
    }

    @Test("an explanation survives a JSON round trip")
    func codable() throws {
        let evaluation = try FormulaEvaluator.evaluate(compile(Self.savings),
                                                       in: establishment(["spend": [2022: 250_000, 2023: 220_000]]))
        let data = try JSONEncoder().encode(evaluation.explanation)
        #expect(try JSONDecoder().decode(Explanation.self, from: data) == evaluation.explanation)
    }
}
