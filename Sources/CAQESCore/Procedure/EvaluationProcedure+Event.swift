extension EvaluationProcedure {
    /// Something that happens to an evaluation; the date it happens is the transition's `now`.
    public enum Event: Hashable, Sendable, Codable {
        /// The establishment starts entering its self-assessment.
        case startSelfAssessment
        /// The establishment submits its self-assessment, evidence and action plans.
        case submitSelfAssessment
        /// The DG ARS sends a decision: first (results, eligibility), second (amount), final.
        case notifyDecision
        /// Proof that the establishment received the decision (D19).
        case recordReceipt(ReceiptProof)
        /// Written observations, with or without a hearing request.
        case receiveObservations(hearingRequested: Bool)
        /// The ARS records the hearing; `newLastDay` nil means the default (7 days after, D18).
        case recordHearing(heldOn: LocalDate, newLastDay: LocalDate?)
        /// The contradictory period is over.
        case expire
        /// The ARS answers one observation (D21): logged, changes no state.
        case answerObservation
        /// The campaign is closed for this establishment.
        case close
        /// A corrective decision of the DG ARS withdraws the final decision and reopens the
        /// incentive: the results are reviewed again and a new second decision is notified.
        case reopen

        /// The kind of event, without its data: what the event log stores and tests enumerate.
        public enum Kind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
            case startSelfAssessment = "start_self_assessment"
            case submitSelfAssessment = "submit_self_assessment"
            case notifyDecision = "notify_decision"
            case recordReceipt = "record_receipt"
            case receiveObservations = "receive_observations"
            case recordHearing = "record_hearing"
            case expire = "expire"
            case answerObservation = "answer_observation"
            case close = "close"
            case reopen = "reopen"

            /// Reads a stored event name.
            public static func parse(_ text: String) throws(ProcedureError) -> Kind {
                guard let kind = Kind(rawValue: text) else { throw .unknownEvent(text) }
                return kind
            }

            /// French label, as pages, the event log and errors show it.
            public var description: String {
                switch self {
                case .startSelfAssessment: return "ouverture de l'auto-évaluation"
                case .submitSelfAssessment: return "dépôt de l'auto-évaluation"
                case .notifyDecision: return "notification d'une décision du DG ARS"
                case .recordReceipt: return "preuve de réception"
                case .receiveObservations: return "observations de l'établissement"
                case .recordHearing: return "audition de l'établissement"
                case .expire: return "expiration du délai"
                case .answerObservation: return "réponse de l'ARS à une observation"
                case .close: return "clôture de l'évaluation"
                case .reopen: return "décision corrective (réouverture de l'intéressement)"
                }
            }
        }

        public var kind: Kind {
            switch self {
            case .startSelfAssessment: return .startSelfAssessment
            case .submitSelfAssessment: return .submitSelfAssessment
            case .notifyDecision: return .notifyDecision
            case .recordReceipt: return .recordReceipt
            case .receiveObservations: return .receiveObservations
            case .recordHearing: return .recordHearing
            case .expire: return .expire
            case .answerObservation: return .answerObservation
            case .close: return .close
            case .reopen: return .reopen
            }
        }
    }
}
