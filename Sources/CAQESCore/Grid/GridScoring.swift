import Foundation

/// Scores an establishment's answers on a 2018 grid (D13).
public enum GridScoring {
    /// Scores `answers` (by criterion id) for an establishment of `sectors`.
    ///
    /// R earns the criterion's points, PR the grid's `partialCredit` share (half), NR nothing; NC
    /// leaves the criterion out of numerator and denominator. A quantitative criterion's status
    /// comes from its thresholds (lower bounds inclusive). Global % = earned / applicable × 100,
    /// rounded to 2 decimals. Every applicable criterion needs an answer; the missing ones are
    /// listed together.
    public static func score(grid: Grid, sectors: Set<GridSector>,
                             answers: [String: GridAnswer]) throws(GridError) -> GridScore {
        guard !sectors.isEmpty else { throw .noSector }
        for id in answers.keys.sorted() {
            guard let criterion = grid.criterion(id) else { throw .unknownCriterion(id) }
            if criterion.maxPoints(for: sectors) == nil {
                throw .notApplicable(criterion: id, sectors: sectors.sorted())
            }
        }
        var lines: [GridScore.Line] = []
        var missing: [String] = []
        for chapter in grid.chapters {
            for criterion in chapter.criteria {
                guard let maxPoints = criterion.maxPoints(for: sectors) else { continue }
                guard let answer = answers[criterion.id] else {
                    missing.append(criterion.id)
                    continue
                }
                lines.append(try line(criterion, chapter: chapter.id, answer: answer,
                                      maxPoints: maxPoints, partialCredit: grid.partialCredit))
            }
        }
        guard missing.isEmpty else { throw .missingAnswers(missing) }
        let counted = lines.filter(\.counted)
        let points = counted.map(\.earned).reduce(0, +)
        let applicable = counted.map(\.maxPoints).reduce(0, +)
        guard applicable > 0 else { throw .nothingApplicable }
        let percentage = GridDecimal.rounded(points / applicable * 100, scale: 2)
        return GridScore(lines: lines, points: points, applicablePoints: applicable, percentage: percentage)
    }

    static func line(_ criterion: GridCriterion, chapter: String, answer: GridAnswer, maxPoints: Decimal,
                     partialCredit: Decimal) throws(GridError) -> GridScore.Line {
        let status: CriterionStatus
        var why: String
        switch (criterion.measure, answer) {
        case (.qualitative, .status(let given)):
            status = given
            why = given.description
        case (.qualitative, .rate):
            throw .wrongAnswerKind(criterion: criterion.id, expected: "un statut R, PR, NR ou NC")
        case (.quantitative, .status(.notConcerned)):
            status = .notConcerned
            why = CriterionStatus.notConcerned.description
        case (.quantitative, .status):
            throw .wrongAnswerKind(criterion: criterion.id, expected: "un taux en % (ou NC)")
        case (.quantitative(let thresholds), .rate(let rate)):
            guard let thresholds else { throw .thresholdsNotSet(criterion.id) }
            guard rate >= 0, rate <= 100 else { throw .rateOutOfRange(criterion: criterion.id, rate: rate) }
            status = thresholds.status(for: rate)
            why = "taux \(GridDecimal.french(rate)) % → \(status.rawValue) (\(thresholds.description))"
        }
        let earned: Decimal
        switch status {
        case .realised: earned = maxPoints
        case .partiallyRealised: earned = maxPoints * partialCredit
        case .notRealised, .notConcerned: earned = 0
        }
        let counted = status != .notConcerned
        why += counted
            ? " : \(GridDecimal.french(earned)) / \(GridDecimal.french(maxPoints)) points"
            : " : hors numérateur et dénominateur"
        return GridScore.Line(criterionID: criterion.id, chapterID: chapter, answer: answer, status: status,
                              maxPoints: maxPoints, earned: earned, counted: counted, explanation: why)
    }
}
