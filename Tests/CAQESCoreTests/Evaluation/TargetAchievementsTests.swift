import Foundation
import Testing
@testable import CAQESCore

@Suite("Achievement listing: finess;indicateur;valeur;cible;atteint;explication")
struct TargetAchievementsTests {
    private static func hdf2023() -> MeasureSet {
        var set = MeasureSet(members: [MeasureSet.Member(subject: "A", region: "32"), MeasureSet.Member(subject: "Z", region: "11")])
        set.set(915, measure: "trastuzumab_biosimilar_ucd", year: 2023, for: "A")
        set.set(85, measure: "trastuzumab_originator_ucd", year: 2023, for: "A")
        set.set(0, measure: "rituximab_biosimilar_ucd", year: 2023, for: "A")
        set.set(0, measure: "rituximab_originator_ucd", year: 2023, for: "A")
        set.set(MeasureValue(.grade("B")), measure: "conciliation_grade", year: 2023, for: "A")
        set.set(18, measure: "trastuzumab_sc_stays", year: 2023, for: "A")
        set.set(100, measure: "trastuzumab_stays", year: 2023, for: "A")
        set.set(72, measure: "audit_prescriptions_compliant", year: 2023, for: "A")
        return set
    }

    @Test("HDF 2023: one row per indicator with a target, then the biosimilar group", arguments: [
        ("HDF-CONCIL", "B", "au moins B", Achievement.yes, "HDF-CONCIL 2023 : B ≥ B"),
        ("HDF-BIO-TRA", "91,5 %", "au moins 92 %", .no, "HDF-BIO-TRA 2023 : "),
        ("HDF-BIO-RIT", "", "au moins 92 %", .notEvaluable, "sans objet — Rituximab utilisé"),
        ("HDF-SC", "18 %", "au plus 20 %", .yes, "HDF-SC 2023 : "),
        ("HDF-PRESC", "", "au moins 80 %", .notEvaluable, "données manquantes : audit_prescriptions_assessed (2023)"),
        ("HDF-BIO", "", "chaque molécule utilisée atteint sa cible (compté une fois)", .no, "HDF-BIO-RIT sans objet → non atteint"),
    ] as [(String, String, String, Achievement, String)])
    func hdfRow(indicator: String, value: String, target: String, achieved: Achievement, explanation: String) throws {
        let rows = try TargetAchievements.rows(catalogue: RulesFixtures.hdf, year: 2023, measures: Self.hdf2023())
        #expect(rows.map(\.indicator) == ["HDF-CONCIL", "HDF-BIO-TRA", "HDF-BIO-RIT", "HDF-SC", "HDF-PRESC", "HDF-BIO"])
        #expect(rows.allSatisfy { $0.subject == "A" }, "the other region's establishment is left out")
        let row = try #require(rows.first { $0.indicator == indicator })
        #expect(row.value == value)
        #expect(row.target == target)
        #expect(row.achieved == achieved)
        #expect(row.explanation.contains(explanation), "\(row.explanation)")
        #expect(row.fields == ["A", indicator, value, target, achieved.rawValue, row.explanation])
    }

    @Test("IDF 2025 at exactly +5 points: oui (D10, D27)")
    func idfTie() throws {
        let set = RulesFixtures.measures(["surgery_ambulatory_stays": [2023: 500, 2025: 856], "surgery_stays": [2023: 700, 2025: 1120]],
                                         subject: "B", region: "11")
        let rows = try TargetAchievements.rows(catalogue: RulesFixtures.idf, year: 2025, measures: set)
        let row = try #require(rows.first { $0.indicator == "IDF-CA-OPT1" })
        #expect(row.fields.prefix(5) == ["B", "IDF-CA-OPT1", "5", "au moins 5", "oui"])
        // Option 2 has no specialty data: not evaluable, naming what is missing.
        #expect(rows.first { $0.indicator == "IDF-CA-OPT2" }?.achieved == .notEvaluable)
    }

    @Test("refused: a catalogue without targets, a year outside the validity (D9)")
    func refusals() {
        #expect(throws: IncentiveError.noTargets(catalogue: "national-2022")) {
            try TargetAchievements.rows(catalogue: RulesFixtures.national2022, year: 2023, measures: MeasureSet())
        }
        #expect(throws: IncentiveError.yearOutsideValidity(catalogue: "regional-hdf-2022", year: 2025, validFrom: 2022, validTo: 2024)) {
            try TargetAchievements.rows(catalogue: RulesFixtures.hdf, year: 2025, measures: MeasureSet())
        }
    }

    @Test("Normandie 2018: criterion 55 per establishment, R achieved, PR and NR not", arguments: [
        (GridAnswer.rate(50), "50 %", Achievement.no, "taux 50 % → PR"),
        (.rate(Decimal(string: "50.01")!), "50,01 %", .yes, "taux 50,01 % → R"),
        (.rate(10), "10 %", .no, "→ NR"),
        (.status(.notConcerned), "", .notEvaluable, "non concerné"),
        (.rate(120), "120 %", .notEvaluable, "non évaluable"),
    ] as [(GridAnswer, String, Achievement, String)])
    func gridRow(answer: GridAnswer, value: String, achieved: Achievement, explanation: String) throws {
        let grid = try GridFixtures.normandie()
        let rows = TargetAchievements.rows(grid: grid, establishments: [
            GridEstablishment(subject: "C", sectors: [.mco], answers: ["10-2-02a": answer]),
            GridEstablishment(subject: "D", sectors: [.had], answers: [:]),
            GridEstablishment(subject: "E", sectors: [.ssr], answers: [:]),
        ])
        #expect(rows.map(\.subject) == ["C", "E"], "criterion 55 does not apply to HAD; the others have no thresholds yet")
        let row = rows[0]
        #expect(row.indicator == "10-2-02a")
        #expect(row.value == value)
        #expect(row.target == "R si > 50 %, PR si ≥ 25 %, NR en dessous")
        #expect(row.achieved == achieved)
        #expect(row.explanation.hasPrefix("critère 55 (10-2-02a) : ") && row.explanation.contains(explanation), "\(row.explanation)")
        #expect(rows[1].achieved == .notEvaluable && rows[1].explanation.contains("taux non renseigné"))
    }

    @Test("the header is the French CSV header")
    func header() {
        #expect(AchievementRow.header == ["finess", "indicateur", "valeur", "cible", "atteint", "explication"])
    }
}
