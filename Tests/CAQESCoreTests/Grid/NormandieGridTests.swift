import Foundation
import Testing
@testable import CAQESCore

@Suite("Normandie 2018 grid")
struct NormandieGridTests {
    @Test("The shipped grid keeps the seed's chapter points, 105 in all")
    func chapterPoints() throws {
        let grid = try GridFixtures.normandie()
        #expect(grid.id == "normandie-2018" && grid.partialCredit == GridFixtures.dec("0.5"))
        let totals = grid.chapters.map { chapter in
            (chapter.id, chapter.criteria.map { $0.points.values.max() ?? 0 }.reduce(0, +))
        }
        #expect(totals.map(\.0) == ["10-1", "10-2", "10-3", "10-4", "10-5", "10-6", "HAD"])
        #expect(totals.map(\.1) == [47, 36, 3, 2, 8, 4, 5])
        #expect(grid.maxPoints(for: Set(GridSector.allCases)) == 105)
        #expect(grid.maxPoints(for: [.mco]) == 100)
        #expect(grid.maxPoints(for: [.mco, .ssr]) == 100)
    }

    @Test("Nine T0 quantitative criteria worth 15 points; only criterion 55 has thresholds")
    func quantitativeCriteria() throws {
        let grid = try GridFixtures.normandie()
        let quantitative = grid.criteria.filter(\.isQuantitative)
        #expect(quantitative.count == 9)
        #expect(quantitative.map { $0.points.values.max() ?? 0 }.reduce(0, +) == 15)
        let c55 = try #require(grid.criteria.first { $0.number == 55 })
        #expect(c55.id == "10-2-02a")
        #expect(c55.measure == .quantitative(try QuantitativeThresholds(realisedAbove: 50, partialFrom: 25)))
        #expect(quantitative.filter { $0.measure == .quantitative(nil) }.count == 8)
    }

    @Test("The HAD column gives 62 applicable points: common criteria dropped, the 5 HAD points added")
    func hadColumn() throws {
        let grid = try GridFixtures.normandie()
        #expect(grid.maxPoints(for: [.had]) == 62)
        let hadSpecific = grid.chapters.first { $0.id == "HAD" }!.criteria
        #expect(hadSpecific.compactMap { $0.maxPoints(for: [.had]) }.reduce(0, +) == 5)
        // An establishment with MCO and HAD keeps every criterion of either.
        #expect(grid.maxPoints(for: [.mco, .had]) == 105)
    }

    @Test("The five HAD-specific criteria apply to HAD only, 5 points")
    func hadSpecific() throws {
        let grid = try GridFixtures.normandie()
        let had = try #require(grid.chapters.first { $0.id == "HAD" })
        #expect(had.criteria.map { $0.points[.had] } == [0.5, 1.5, 0.5, 1, 1.5].map { GridFixtures.dec("\($0)") })
        #expect(had.criteria.allSatisfy { $0.points.keys.sorted() == [.had] })
    }

    @Test("Criterion 55: R strictly above 50 % (D1 reads « > » as written), PR from 25 %", arguments: [
        ("89", CriterionStatus.realised),  // the S3 example establishment
        ("100", .realised), ("50.01", .realised), ("50", .partiallyRealised), ("49.99", .partiallyRealised), ("26", .partiallyRealised),
        ("25", .partiallyRealised), ("24.99", .notRealised), ("0", .notRealised),
    ])
    func criterion55(rate: String, expected: CriterionStatus) throws {
        let grid = try GridFixtures.normandie()
        guard case .quantitative(let thresholds?) = grid.criterion("10-2-02a")?.measure else {
            Issue.record("criterion 55 has no thresholds")
            return
        }
        #expect(thresholds.status(for: GridFixtures.dec(rate)) == expected)
    }

    @Test("B.8 ex. 15 on the Normandie grid: 52 points of 98 applicable → 53,06 %")
    func example15() throws {
        var grid = try GridFixtures.normandie()
        let t0 = try QuantitativeThresholds(realisedFrom: 50, partialFrom: 25)
        for criterion in grid.criteria where criterion.measure == .quantitative(nil) {
            grid = try grid.settingThresholds(t0, for: criterion.id)
        }
        let realised: Set = ["10-1-02", "10-1-06", "10-1-04", "10-1-05", "10-2-02", "10-2-01", "10-6-01", "10-1-03"]
        var answers: [String: GridAnswer] = [:]
        for criterion in grid.criteria where criterion.maxPoints(for: [.mco, .ssr]) != nil {
            if criterion.isQuantitative {
                answers[criterion.id] = .rate(10)
            } else {
                answers[criterion.id] = .status(realised.contains(criterion.id) ? .realised : .notRealised)
            }
        }
        answers["10-1-08"] = .status(.notConcerned)  // 2 points out of the denominator
        let score = try GridScoring.score(grid: grid, sectors: [.mco, .ssr], answers: answers)
        #expect(score.points == 52)
        #expect(score.applicablePoints == 98)
        #expect(score.percentage == GridFixtures.dec("53.06"))
        #expect(score.summary == "52 points sur 98 applicables : 53,06 %")
        #expect(score.chapterTotals("10-1") == (earned: 31, applicable: 45))
    }

    @Test("Scoring the shipped grid before the region sets the T0 thresholds says which are missing")
    func thresholdsMissing() throws {
        let grid = try GridFixtures.normandie()
        var answers: [String: GridAnswer] = [:]
        for criterion in grid.criteria where criterion.maxPoints(for: [.mco]) != nil {
            answers[criterion.id] = criterion.isQuantitative ? .rate(60) : .status(.realised)
        }
        #expect(throws: GridError.thresholdsNotSet("10-1-07a")) {
            try GridScoring.score(grid: grid, sectors: [.mco], answers: answers)
        }
        #expect(GridError.thresholdsNotSet("10-1-07a").description
            == "critère « 10-1-07a » : seuils R/PR/NR non fixés pour ce critère quantitatif (à fixer après le T0)")
    }

    @Test("Thresholds can only be set on a known quantitative criterion")
    func settingThresholds() throws {
        let grid = try GridFixtures.normandie()
        let t0 = try QuantitativeThresholds(realisedFrom: 80, partialFrom: 40)
        #expect(throws: GridError.notQuantitative("10-1-01")) { try grid.settingThresholds(t0, for: "10-1-01") }
        #expect(throws: GridError.unknownCriterion("99")) { try grid.settingThresholds(t0, for: "99") }
        let updated = try grid.settingThresholds(t0, for: "10-1-07a")
        #expect(updated.criterion("10-1-07a")?.measure == .quantitative(t0))
        #expect(throws: GridError.invalidThresholds(realisedFrom: 40, partialFrom: 80)) {
            try QuantitativeThresholds(realisedFrom: 40, partialFrom: 80)
        }
    }
}
