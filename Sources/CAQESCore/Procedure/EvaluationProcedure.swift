/// One establishment's path through a yearly evaluation campaign (DOMAIN B.5.2, D162-16, D18, D19).
///
/// Path: campaign open → self-assessment → analysis → first DG ARS decision (results and
/// eligibility) → first contradictory period (1 month from proven receipt) → answers → second
/// decision (with the incentive amount) → second contradictory period (15 days) → answers →
/// final decision → closed. Only a corrective decision reopens a final decision: the results are
/// reviewed again, then a new second decision and its period lead to a new final one. A hearing requested in time holds a period open until the ARS records
/// it; the ARS then sets the new deadline (default 7 days after). A value like `ContractProcedure`:
/// the state is stored as its raw string, the periods beside it.
public struct EvaluationProcedure: Hashable, Sendable, Codable {
    public var state: State
    /// Date the decision awaiting receipt, or last notified, was sent.
    public var decisionSentOn: LocalDate?
    public var firstPeriod: ContradictoryPeriod?
    public var secondPeriod: ContradictoryPeriod?
    public var selfAssessmentSubmittedOn: LocalDate?
    public var finalDecisionOn: LocalDate?
    public var closedOn: LocalDate?
    /// Date of the last corrective decision, if any.
    public var reopenedOn: LocalDate?

    public init(state: State = .open, decisionSentOn: LocalDate? = nil,
                firstPeriod: ContradictoryPeriod? = nil, secondPeriod: ContradictoryPeriod? = nil,
                selfAssessmentSubmittedOn: LocalDate? = nil, finalDecisionOn: LocalDate? = nil,
                closedOn: LocalDate? = nil) {
        self.state = state
        self.decisionSentOn = decisionSentOn
        self.firstPeriod = firstPeriod
        self.secondPeriod = secondPeriod
        self.selfAssessmentSubmittedOn = selfAssessmentSubmittedOn
        self.finalDecisionOn = finalDecisionOn
        self.closedOn = closedOn
    }

    /// The period running in the current state, if any.
    public var currentPeriod: ContradictoryPeriod? {
        switch state {
        case .contradictory1: return firstPeriod
        case .contradictory2: return secondPeriod
        default: return nil
        }
    }

    /// Where an evaluation stands; the raw value is what the database stores.
    public enum State: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case open = "open"
        case selfAssessment = "self_assessment"
        case analysis = "analysis"
        case decision1Notified = "decision1_notified"
        case contradictory1 = "contradictory1"
        case answers1 = "answers1"
        case decision2Notified = "decision2_notified"
        case contradictory2 = "contradictory2"
        case answers2 = "answers2"
        case finalDecision = "final_decision"
        case closed = "closed"
        case reopened = "reopened"

        /// Reads a stored state name.
        public static func parse(_ text: String) throws(ProcedureError) -> State {
            guard let state = State(rawValue: text) else { throw .unknownState(text) }
            return state
        }

        /// French label, as pages and errors show it.
        public var description: String {
            switch self {
            case .open: return "campagne ouverte"
            case .selfAssessment: return "auto-évaluation en cours"
            case .analysis: return "analyse de l'auto-évaluation"
            case .decision1Notified: return "première décision notifiée"
            case .contradictory1: return "première période contradictoire ouverte"
            case .answers1: return "réponses aux observations (premier tour)"
            case .decision2Notified: return "deuxième décision notifiée"
            case .contradictory2: return "seconde période contradictoire ouverte"
            case .answers2: return "réponses aux observations (second tour)"
            case .finalDecision: return "décision définitive notifiée"
            case .closed: return "clôturée"
            case .reopened: return "rouverte par une décision corrective"
            }
        }
    }

    /// One state of an evaluation's path and how long it lasted.
    public struct Stay: Hashable, Sendable {
        public let state: State
        public let since: LocalDate
        /// Calendar days from `since` to the next state's entry, or to today for the current one.
        public let days: Int
        public let isCurrent: Bool
    }

    /// The states an evaluation went through, from its events in order, with the days spent in
    /// each (the board shows them): it opened on `openedOn`; an event that leaves the state
    /// unchanged (an answer, a receipt recorded again) starts no new stay.
    public static func path(openedOn: LocalDate, events: [(event: Event, on: LocalDate)], today: LocalDate,
                            settings: ProcedureSettings = .init()) throws(ProcedureError) -> [Stay] {
        var procedure = EvaluationProcedure()
        var entries: [(State, LocalDate)] = [(procedure.state, openedOn)]
        for (event, date) in events {
            procedure = try transition(from: procedure, event: event, now: date, settings: settings)
            if procedure.state != entries[entries.count - 1].0 { entries.append((procedure.state, date)) }
        }
        return entries.enumerated().map { index, entry in
            let end = index + 1 < entries.count ? entries[index + 1].1 : today
            return Stay(state: entry.0, since: entry.1, days: max(0, entry.1.days(until: end)), isCurrent: index + 1 == entries.count)
        }
    }

    /// The events that apply in `state` (pages offer only these actions).
    public static func allowedEvents(in state: State) -> Set<Event.Kind> {
        switch state {
        case .open: return [.startSelfAssessment]
        case .selfAssessment: return [.submitSelfAssessment]
        case .analysis: return [.notifyDecision]
        case .answers1, .answers2: return [.notifyDecision, .answerObservation]
        case .decision1Notified, .decision2Notified: return [.recordReceipt]
        case .contradictory1, .contradictory2:
            return [.recordReceipt, .receiveObservations, .recordHearing, .expire, .answerObservation]
        case .finalDecision: return [.close, .reopen]
        case .closed: return [.reopen]
        case .reopened: return [.notifyDecision]
        }
    }
}
