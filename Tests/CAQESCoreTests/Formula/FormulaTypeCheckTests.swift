import Foundation
import Testing
@testable import CAQESCore

@Suite("Formula type checking and names")
struct FormulaTypeCheckTests {
    /// (formula, message after "national-2022.yaml, ligne 42, colonne ").
    static let rejected: [(String, String)] = [
        ("'A' + 1", "14 : type incompatible : on ne peut pas additionner une note ('A'…'D') et un nombre"),
        ("spend[N] - true", "19 : type incompatible : on ne peut pas soustraire un nombre et un booléen (vrai/faux)"),
        ("spend[N] and true", "19 : type incompatible : « and » attend deux booléens (vrai/faux), trouvé un nombre et un booléen (vrai/faux)"),
        ("not 1", "10 : type incompatible : « not » attend un booléen (vrai/faux), trouvé un nombre"),
        ("-'A'", "10 : type incompatible : « - » attend un nombre, trouvé une note ('A'…'D')"),
        ("conciliation[N] >= 2", "26 : type incompatible : on ne peut pas comparer une note ('A'…'D') et un nombre"),
        ("true < false", "15 : type incompatible : on ne peut pas ordonner des booléens (vrai/faux)"),
        ("if(true, 1, 'A')", "22 : type incompatible : les deux branches de if doivent avoir le même type, trouvé un nombre et une note ('A'…'D')"),
        ("if(1, 2, 3)", "13 : type incompatible : l'argument 1 de if doit être un booléen (vrai/faux), trouvé un nombre"),
        ("max(1, true)", "17 : type incompatible : l'argument 2 de max doit être un nombre, trouvé un booléen (vrai/faux)"),
        ("maxx(1, 2)", "10 : fonction inconnue « maxx » (fonctions : max, min, abs, round, if, safe_div, q1, q2, q3, median, percentile, pooled_ratio, sum_of, is_known)"),
        ("capp * 2", "10 : nom inconnu « capp » (paramètres et formules déclarés : cap, target_grade, threshold_boxes)"),
        ("spend * 2", "10 : la mesure « spend » doit préciser son année : spend[N], spend[N-1] ou spend[REF]"),
        ("cap[N]", "10 : le paramètre « cap » est une constante, sans année : écrire cap"),
        ("abs(1, 2)", "10 : abs attend 1 argument, trouvé 2"),
        ("max()", "10 : max attend au moins 1 argument, trouvé 0"),
        ("percentile(spend[N])", "10 : percentile attend 2 arguments, trouvé 1"),
        ("round(1, 0.5)", "19 : round attend un nombre entier de décimales, trouvé « 0.5 »"),
        ("percentile(spend[N], 150%)", "31 : percentile attend un rang entre 0 et 1 (ou 0 % et 100 %), trouvé « 150% »"),
        ("q1(spend[N], by: region)", "27 : « by: » n'accepte que « category »"),
        ("max(1, by: category)", "17 : argument nommé « by: » non accepté par max"),
        ("q1(spend[N], per: category)", "23 : argument nommé « per: » non accepté par q1 (seul « by: category » l'est)"),
    ]

    @Test("a formula that mixes types or names nothing declared is rejected at load time", arguments: rejected)
    func rejectedFormula(text: String, message: String) {
        #expect(compileError(text)?.description == "national-2022.yaml, ligne 42, colonne " + message)
    }

    @Test("an unknown measure is rejected at compile time, listing the declared measures")
    func unknownMeasure() {
        let error = compileError("phev_ipp_amout[N] > 0")
        #expect(error == .unknownMeasure(loc(10), "phev_ipp_amout"))
        #expect(error?.description == "national-2022.yaml, ligne 42, colonne 10 : mesure inconnue « phev_ipp_amout » "
            + "(mesures déclarées : boxes, conciliation, den, flag, num, phev_ipp_amount, rate, readmissions, spend, stays)")
    }

    @Test("an unknown function is rejected at compile time")
    func unknownFunction() {
        #expect(compileError("1 + maxx(1, 2)") == .unknownFunction(loc(14), "maxx"))
    }

    @Test("result types follow the operators and branches", arguments: [
        ("spend[N] > 0", FormulaType.boolean),
        ("if(flag[N], 'A', conciliation[N])", .grade),
        ("if(flag[N], 1, 2)", .number),
        ("is_known(spend[N])", .boolean),
        ("conciliation[N]", .grade),
    ])
    func resultType(text: String, type: FormulaType) throws {
        #expect(try compile(text).resultType == type)
    }

    @Test("named formulas are usable bare or shifted to another year, with their type")
    func namedFormulas() throws {
        var scope = FormulaScope(measures: ["amb": .number, "tap": .number])
        scope.formulas["ratio"] = try compile("amb[N] / (amb[N] + tap[N])", scope: scope)
        let shifted = try compile("ratio[N-1] - ratio", scope: scope)
        #expect(shifted.resultType == .number)
        #expect(shifted.referencedMeasures == [
            MeasureRef(code: "amb", yearOffset: .n(offset: -1)), MeasureRef(code: "tap", yearOffset: .n(offset: -1)),
            MeasureRef(code: "amb", yearOffset: .n(offset: 0)), MeasureRef(code: "tap", yearOffset: .n(offset: 0)),
        ])
        let atReference = try compile("ratio[REF+1]", scope: scope)
        #expect(atReference.referencedMeasures == [
            MeasureRef(code: "amb", yearOffset: .ref(offset: 1)), MeasureRef(code: "tap", yearOffset: .ref(offset: 1)),
        ])
    }
}
