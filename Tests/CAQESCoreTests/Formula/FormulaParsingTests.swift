import Foundation
import Testing
@testable import CAQESCore

@Suite("Formula syntax")
struct FormulaParsingTests {
    static let context = establishment([
        "spend": [2022: 250_000, 2023: 220_000, 2021: 300_000],
        "boxes": [2023: 9_000],
        "rate": [2023: dec("0.92")],
    ], grades: ["conciliation": [2023: "B"]], referenceYear: 2021)

    static let valid: [(String, FormulaValue)] = [
        ("1 + 2 * 3", .number(7)),
        ("(1 + 2) * 3", .number(9)),
        ("-2 * 3", .number(-6)),
        ("- -2", .number(2)),
        ("10 - 4 - 3", .number(3)),
        ("12 / 4 / 3", .number(1)),
        ("0.6", .number(dec("0.6"))),
        ("20000", .number(20_000)),
        ("30%", .number(dec("0.3"))),
        ("2.5% * 100", .number(dec("2.5"))),
        ("spend[N-1] - spend[N]", .number(30_000)),
        ("spend[REF] - spend[REF+1]", .number(50_000)),
        ("max(0, spend[N-1] - spend[N]) * cap", .number(9_000)),
        ("boxes[N] >= threshold_boxes", .boolean(true)),
        ("not (1 > 2) and true", .boolean(true)),
        ("true or false and false", .boolean(true)),
        ("not true or true", .boolean(true)),
        ("conciliation[N] >= target_grade", .boolean(true)),
        ("rate[N] >= 92%", .boolean(true)),
        ("if(boxes[N] > 9000, 1, 2)", .number(2)),
        ("round(2.345, 2)", .number(dec("2.35"))),
        ("round(-2.5, 0)", .number(-3)),
        ("round(2.5)", .number(3)),
        ("abs(-3)", .number(3)),
        ("min(3, 1, 2)", .number(1)),
        ("max(3, 1, 2)", .number(3)),
        ("sum_of(1, 2, 3, 4)", .number(10)),
        ("spend[N] ≥ 200000 and spend[N] ≠ 0 and 2 × 3 − 1 = 5", .boolean(true)),
        ("1 = 1.0", .boolean(true)),
        ("spend[N-1]\n  - spend[N]", .number(30_000)),
    ]

    @Test("valid formulas compile and evaluate to the expected value", arguments: valid)
    func validFormula(text: String, expected: FormulaValue) throws {
        let formula = try compile(text)
        #expect(try FormulaEvaluator.evaluate(formula, in: Self.context).value == expected)
        #expect(try FormulaEvaluator.value(of: formula, in: Self.context) == expected)
    }

    /// (formula, message) with the formula starting at line 42, column 10.
    static let syntaxErrors: [(String, String)] = [
        ("(1, 2)", "ligne 42, colonne 12 : « ) » attendu, trouvé « , »"),
        ("max(1, 2", "ligne 42, colonne 18 : « , » ou « ) » attendu, trouvé la fin de la formule"),
        ("max(1 2)", "ligne 42, colonne 16 : « , » ou « ) » attendu, trouvé « 2 »"),
        ("spend[N-1] -", "ligne 42, colonne 22 : une valeur (nombre, note, mesure, nom, fonction ou « ( ») attendue, trouvé la fin de la formule"),
        ("spend[X]", "ligne 42, colonne 16 : « N » ou « REF » (année de la mesure) attendu, trouvé « X »"),
        ("spend[N-1.5]", "ligne 42, colonne 18 : un nombre entier d'années attendu, trouvé « 1.5 »"),
        ("spend[N", "ligne 42, colonne 17 : « ] » attendu, trouvé la fin de la formule"),
        ("0,6 * 2", "ligne 42, colonne 11 : la fin de la formule (décimales avec un point : 0.6, pas 0,6) attendue, trouvé « , »"),
        ("1 2", "ligne 42, colonne 12 : la fin de la formule ou un opérateur attendue, trouvé « 2 »"),
        ("1 < 2 < 3", "ligne 42, colonne 16 : « and » ou « or » entre deux comparaisons attendu, trouvé « < »"),
        ("'E' = 'A'", "ligne 42, colonne 10 : une note 'A', 'B', 'C' ou 'D' attendue, trouvé « 'E' »"),
        ("2 $ 3", "ligne 42, colonne 12 : un nombre, un nom, une note ou un opérateur attendu, trouvé « $ »"),
        ("1.x", "ligne 42, colonne 12 : un chiffre après le point décimal attendu, trouvé « x »"),
        ("", "ligne 42, colonne 10 : une valeur (nombre, note, mesure, nom, fonction ou « ( ») attendue, trouvé la fin de la formule"),
        ("1 +\n  * 2", "ligne 43, colonne 3 : une valeur (nombre, note, mesure, nom, fonction ou « ( ») attendue, trouvé « * »"),
    ]

    @Test("a syntax error names the file, line, column, what was expected and what was found", arguments: syntaxErrors)
    func syntaxError(text: String, message: String) {
        let error = compileError(text)
        #expect(error?.description == "national-2022.yaml, " + message)
        if case .syntax? = error {} else { Issue.record("expected a syntax error, got \(String(describing: error))") }
    }

    @Test("the contract's example error reads exactly as documented")
    func documentedExample() {
        let error = compileError("max(1, (2, 3))")
        #expect(error == .syntax(loc(19), expected: "« ) »", found: "« , »"))
        #expect(error?.description == "national-2022.yaml, ligne 42, colonne 19 : « ) » attendu, trouvé « , »")
    }

    @Test("a pathologically nested formula is refused, not a crash", arguments: [
        String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000),
        String(repeating: "-", count: 5_000) + "1",
        String(repeating: "not ", count: 5_000) + "true",
    ])
    func deepNesting(text: String) {
        guard case .syntax(_, let expected, _)? = compileError(text) else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(expected == "une formule moins imbriquée")
    }

    @Test("a formula records the measures and years it reads")
    func referencedMeasures() throws {
        let formula = try compile("max(0, spend[N-1] - spend[N]) + phev_ipp_amount[REF+1] * 0 + q1(boxes[N])")
        #expect(formula.referencedMeasures == [
            MeasureRef(code: "spend", yearOffset: .n(offset: -1)),
            MeasureRef(code: "spend", yearOffset: .n(offset: 0)),
            MeasureRef(code: "phev_ipp_amount", yearOffset: .ref(offset: 1)),
            MeasureRef(code: "boxes", yearOffset: .n(offset: 0)),
        ])
        #expect(formula.resultType == .number)
        #expect(MeasureRef(code: "spend", yearOffset: .n(offset: -1)).description == "spend[N-1]")
        #expect(MeasureRef(code: "x", yearOffset: .ref(offset: 1)).description == "x[REF+1]")
    }
}
