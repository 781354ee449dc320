import Foundation
import Testing
@testable import CAQESCore

@Suite("Grid scoring")
struct GridScoringTests {
    typealias Row = (name: String, answers: [String: GridAnswer], points: String, applicable: String, percentage: String)

    static let rows: [Row] = [
        ("B.8 ex. 15 : 52 / 98", ["A": .status(.realised), "B": .status(.realised), "C": .status(.notRealised),
                                  "D": .status(.notConcerned), "Q": .status(.notConcerned)], "52", "98", "53.06"),
        ("NC retiré du dénominateur", ["A": .status(.realised), "B": .status(.notConcerned), "C": .status(.notConcerned),
                                       "D": .status(.notConcerned), "Q": .status(.notConcerned)], "50", "50", "100"),
        ("NR compté au dénominateur", ["A": .status(.realised), "B": .status(.notRealised), "C": .status(.notConcerned),
                                       "D": .status(.notConcerned), "Q": .status(.notConcerned)], "50", "52", "96.15"),
        ("PR rapporte la moitié", ["A": .status(.partiallyRealised), "B": .status(.notConcerned), "C": .status(.notConcerned),
                                   "D": .status(.partiallyRealised), "Q": .status(.notConcerned)], "28.5", "57", "50"),
        ("taux quantitatif en PR", ["A": .status(.notConcerned), "B": .status(.notConcerned), "C": .status(.notConcerned),
                                    "D": .status(.realised), "Q": .rate(25)], "8.5", "10", "85"),
        ("tout NR", ["A": .status(.notRealised), "B": .status(.notRealised), "C": .status(.notRealised),
                     "D": .status(.notRealised), "Q": .rate(0)], "0", "108", "0"),
    ]

    @Test("Global % = earned / applicable points, NC out of both, PR half", arguments: rows)
    func scoring(row: Row) throws {
        let score = try GridScoring.score(grid: try GridFixtures.small(), sectors: [.mco, .ssr], answers: row.answers)
        #expect(score.points == GridFixtures.dec(row.points), "\(row.name)")
        #expect(score.applicablePoints == GridFixtures.dec(row.applicable), "\(row.name)")
        #expect(score.percentage == GridFixtures.dec(row.percentage), "\(row.name)")
    }

    @Test("The PR share is a per-grid setting")
    func partialCreditSetting() throws {
        let answers: [String: GridAnswer] = ["A": .status(.partiallyRealised), "B": .status(.notConcerned),
                                             "C": .status(.notConcerned), "D": .status(.notConcerned), "Q": .status(.notConcerned)]
        let quarter = try GridScoring.score(grid: try GridFixtures.small(partialCredit: "0.25"), sectors: [.mco], answers: answers)
        #expect(quarter.points == GridFixtures.dec("12.5") && quarter.percentage == 25)
    }

    @Test("A multi-sector establishment is scored once, on its sectors' highest points")
    func multiSector() throws {
        let answers: [String: GridAnswer] = ["A": .status(.notConcerned), "B": .status(.notConcerned),
                                             "C": .status(.notConcerned), "D": .status(.notConcerned), "Q": .rate(60)]
        #expect(try GridScoring.score(grid: try GridFixtures.small(), sectors: [.mco], answers: answers).points == 2)
        #expect(try GridScoring.score(grid: try GridFixtures.small(), sectors: [.mco, .ssr], answers: answers).points == 3)
        // Q does not apply to HAD, so answering it is a mistake.
        #expect(throws: GridError.notApplicable(criterion: "Q", sectors: [.had])) {
            try GridScoring.score(grid: try GridFixtures.small(), sectors: [.had], answers: answers)
        }
    }

    @Test("Each criterion line explains its outcome in French")
    func explanations() throws {
        let answers: [String: GridAnswer] = ["A": .status(.partiallyRealised), "B": .status(.notConcerned),
                                             "C": .status(.realised), "D": .status(.notRealised), "Q": .rate(45)]
        let score = try GridScoring.score(grid: try GridFixtures.small(), sectors: [.mco], answers: answers)
        let text = Dictionary(uniqueKeysWithValues: score.lines.map { ($0.criterionID, $0.explanation) })
        #expect(text["A"] == "partiellement réalisé : 25 / 50 points")
        #expect(text["B"] == "non concerné : hors numérateur et dénominateur")
        #expect(text["Q"] == "taux 45 % → PR (R si ≥ 50 %, PR si ≥ 25 %, NR en dessous) : 1 / 2 points")
    }

    @Test("Answers that cannot be scored are refused with the criterion named")
    func refusals() throws {
        let grid = try GridFixtures.small()
        let full: [String: GridAnswer] = ["A": .status(.realised), "B": .status(.realised), "C": .status(.realised),
                                          "D": .status(.realised), "Q": .rate(60)]
        func with(_ id: String, _ answer: GridAnswer?) -> [String: GridAnswer] {
            var copy = full
            copy[id] = answer
            return copy
        }
        #expect(throws: GridError.missingAnswers(["B", "D"])) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: with("B", nil).filter { $0.key != "D" })
        }
        #expect(GridError.missingAnswers(["B", "D"]).description == "2 critères applicables sans réponse : B, D")
        #expect(throws: GridError.unknownCriterion("Z")) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: with("Z", .status(.realised)))
        }
        #expect(throws: GridError.wrongAnswerKind(criterion: "A", expected: "un statut R, PR, NR ou NC")) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: with("A", .rate(50)))
        }
        #expect(throws: GridError.wrongAnswerKind(criterion: "Q", expected: "un taux en % (ou NC)")) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: with("Q", .status(.realised)))
        }
        #expect(throws: GridError.rateOutOfRange(criterion: "Q", rate: 120)) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: with("Q", .rate(120)))
        }
        #expect(throws: GridError.noSector) { try GridScoring.score(grid: grid, sectors: [], answers: full) }
        let allNC = full.mapValues { _ in GridAnswer.status(.notConcerned) }
        #expect(throws: GridError.nothingApplicable) { try GridScoring.score(grid: grid, sectors: [.mco], answers: allNC) }
    }

    @Test("Statuses and sectors read as users write them")
    func parsing() {
        #expect(CriterionStatus.parse("pr") == .partiallyRealised)
        #expect(CriterionStatus.parse("Non concerné") == .notConcerned)
        #expect(CriterionStatus.parse("X") == nil)
        #expect(GridSector.parse("Santé mentale") == .psy)
        #expect(GridSector.parse("dialyse") == .dialysis)
        #expect(GridSector.parse("USLD") == nil)
    }
}
