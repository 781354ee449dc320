import Foundation

/// The phase calendar of a yearly evaluation campaign (DOMAIN B.5.2): the region chooses the
/// dates of entry, analysis and the decisions; the contradictory periods follow from the legal
/// rules (D18: 1 month after the first decision, 15 days after the second), counted here from the
/// decision date as if received that day (the real deadlines run from each proven receipt, D19).
///
/// IDF 2024 on 2023 data: entry 09/09–09/10, analysis 10–25/10, decision 1 on 04/11, period to
/// 04/12, answers, decision 2 on 13/12, period to 28/12, final decision by 31/12.
public struct EvaluationCalendar: Sendable, Hashable, Codable {
    public let entryStart: LocalDate
    public let entryEnd: LocalDate
    public let analysisEnd: LocalDate
    public let firstDecision: LocalDate
    public let secondDecision: LocalDate
    public let finalDecisionBy: LocalDate

    public init(entryStart: LocalDate, entryEnd: LocalDate, analysisEnd: LocalDate, firstDecision: LocalDate,
                secondDecision: LocalDate, finalDecisionBy: LocalDate) throws(EvaluationCalendarError) {
        self.entryStart = entryStart
        self.entryEnd = entryEnd
        self.analysisEnd = analysisEnd
        self.firstDecision = firstDecision
        self.secondDecision = secondDecision
        self.finalDecisionBy = finalDecisionBy
        let order: [(String, LocalDate, String, LocalDate)] = [
            ("fin_saisie", entryEnd, "debut_saisie", entryStart),
            ("fin_analyse", analysisEnd, "fin_saisie", entryEnd),
            ("decision_1", firstDecision, "fin_analyse", analysisEnd),
        ]
        for (later, laterDate, earlier, earlierDate) in order where laterDate <= earlierDate {
            throw .outOfOrder(later: later, laterDate: laterDate, earlier: earlier, earlierDate: earlierDate)
        }
        if secondDecision <= firstPeriodEnd {
            throw .tooEarly(field: "decision_2", date: secondDecision, periodEnd: firstPeriodEnd)
        }
        if finalDecisionBy <= secondPeriodEnd {
            throw .tooEarly(field: "decision_finale", date: finalDecisionBy, periodEnd: secondPeriodEnd)
        }
    }

    /// The calendar IDF used in 2024 for year `year` (evaluated in `year + 1`): the default.
    /// `year` must be a real year (1…9998): callers check it first.
    public static func standard(year: Int) -> EvaluationCalendar {
        precondition((1...9998).contains(year), "standard calendar for year \(year)")
        let next = year + 1
        // The fixed dates are valid for any year.
        return try! EvaluationCalendar(
            entryStart: try! LocalDate(year: next, month: 9, day: 9), entryEnd: try! LocalDate(year: next, month: 10, day: 9),
            analysisEnd: try! LocalDate(year: next, month: 10, day: 25), firstDecision: try! LocalDate(year: next, month: 11, day: 4),
            secondDecision: try! LocalDate(year: next, month: 12, day: 13), finalDecisionBy: try! LocalDate(year: next, month: 12, day: 31))
    }

    public var analysisStart: LocalDate { entryEnd.adding(days: 1) }
    public var firstPeriodEnd: LocalDate { Deadline.lastDay(from: firstDecision, length: LegalPeriod.evaluation1.length()) }
    public var secondPeriodEnd: LocalDate { Deadline.lastDay(from: secondDecision, length: LegalPeriod.evaluation2.length()) }

    /// One phase: its code, French label and dates (a single day when `start == end`).
    public struct Phase: Sendable, Hashable {
        public let code: String
        public let label: String
        public let start: LocalDate
        public let end: LocalDate
    }

    public var phases: [Phase] {
        [
            Phase(code: "saisie", label: "Saisie de l'auto-évaluation par l'établissement", start: entryStart, end: entryEnd),
            Phase(code: "analyse", label: "Analyse (ARS, Assurance Maladie, experts)", start: analysisStart, end: analysisEnd),
            Phase(code: "decision_1", label: "Première décision du DG ARS : résultats et éligibilité", start: firstDecision, end: firstDecision),
            Phase(code: "periode_1", label: "Première période contradictoire (1 mois)", start: firstDecision, end: firstPeriodEnd),
            Phase(code: "reponses_1", label: "Réponses aux observations, auditions", start: firstPeriodEnd.adding(days: 1), end: secondDecision.adding(days: -1)),
            Phase(code: "decision_2", label: "Deuxième décision : montant de l'intéressement", start: secondDecision, end: secondDecision),
            Phase(code: "periode_2", label: "Seconde période contradictoire (15 jours)", start: secondDecision, end: secondPeriodEnd),
            Phase(code: "decision_finale", label: "Décision définitive", start: secondPeriodEnd.adding(days: 1), end: finalDecisionBy),
        ]
    }

    /// The phase running on `day`, if any (the latest that covers it).
    public func phase(on day: LocalDate) -> Phase? {
        phases.last { $0.start <= day && day <= $0.end }
    }
}

public enum EvaluationCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    case outOfOrder(later: String, laterDate: LocalDate, earlier: String, earlierDate: LocalDate)
    case tooEarly(field: String, date: LocalDate, periodEnd: LocalDate)

    public var description: String {
        switch self {
        case let .outOfOrder(later, laterDate, earlier, earlierDate):
            "calendrier : « \(later) » (\(laterDate)) doit suivre « \(earlier) » (\(earlierDate))"
        case let .tooEarly(field, date, periodEnd):
            "calendrier : « \(field) » (\(date)) doit suivre la fin de la période contradictoire précédente (\(periodEnd))"
        }
    }
}
