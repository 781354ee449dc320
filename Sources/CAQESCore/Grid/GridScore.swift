import Foundation

/// The scored grid of one establishment: every criterion's outcome and the global %.
public struct GridScore: Hashable, Sendable, Codable {
    /// One criterion's outcome, with its explanation.
    public struct Line: Hashable, Sendable, Codable {
        public let criterionID: String
        public let chapterID: String
        public let answer: GridAnswer
        public let status: CriterionStatus
        /// Points at stake (0 counted when NC).
        public let maxPoints: Decimal
        public let earned: Decimal
        /// False for NC: out of numerator and denominator (D13).
        public let counted: Bool
        /// French explanation, e.g. « taux 45 % → PR (R si ≥ 50 %, PR si ≥ 25 %, NR en dessous) : 1 / 2 points ».
        public let explanation: String
    }

    public let lines: [Line]
    public let points: Decimal
    public let applicablePoints: Decimal
    /// points / applicable points × 100, rounded to 2 decimals half away from zero.
    public let percentage: Decimal

    /// Earned and applicable points of one chapter.
    public func chapterTotals(_ chapterID: String) -> (earned: Decimal, applicable: Decimal) {
        let mine = lines.filter { $0.chapterID == chapterID && $0.counted }
        return (mine.map(\.earned).reduce(0, +), mine.map(\.maxPoints).reduce(0, +))
    }

    /// « 52 points sur 98 applicables : 53,06 % ».
    public var summary: String {
        "\(GridDecimal.french(points)) points sur \(GridDecimal.french(applicablePoints)) applicables : "
            + "\(GridDecimal.french(percentage)) %"
    }
}
