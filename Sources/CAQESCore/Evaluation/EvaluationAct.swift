import Foundation

/// An act on an evaluation decision, named as the API names it (D29) with the contract
/// procedure's vocabulary where it applies, and who may perform it.
///
/// Each act becomes one `EvaluationProcedure.Event`. `reponse` (the ARS answering one observation)
/// changes no state but is logged like any act: the next decision must answer every observation
/// (D21). `expiration` is the platform's own act, done by the deadline job.
public enum EvaluationAct: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case receipt = "accuse_reception"
    case observations = "observations"
    case hearingRequest = "demande_audition"
    case answer = "reponse"
    case hearing = "audition"
    case expiry = "expiration"

    /// Reads an act type as the API sends it; the error lists the accepted ones.
    public static func parse(_ text: String) throws(EvaluationActError) -> EvaluationAct {
        guard let act = EvaluationAct(rawValue: text), act != .expiry else { throw .unknownAct(text) }
        return act
    }

    /// The roles that may perform this act (within their scope: 404 outside it). The ARS records
    /// an e-mail acknowledgement of receipt, answers observations and records the hearing; the
    /// establishment acknowledges, observes and asks to be heard.
    public var roles: Set<Role> {
        switch self {
        case .receipt: [.establishment, .arsAnalyst, .arsDirector]
        case .observations, .hearingRequest: [.establishment]
        case .answer, .hearing: [.arsAnalyst, .arsDirector]
        case .expiry: []
        }
    }

    /// The procedure event kind this act performs.
    public var eventKind: EvaluationProcedure.Event.Kind {
        switch self {
        case .receipt: .recordReceipt
        case .observations, .hearingRequest: .receiveObservations
        case .answer: .answerObservation
        case .hearing: .recordHearing
        case .expiry: .expire
        }
    }

    /// The acts `role` may perform now on a procedure.
    public static func available(in procedure: EvaluationProcedure, for role: Role) -> [EvaluationAct] {
        let allowed = EvaluationProcedure.allowedEvents(in: procedure.state)
        return allCases.filter { act in
            guard act != .expiry, act.roles.contains(role), allowed.contains(act.eventKind) else { return false }
            switch act {
            case .receipt where role == .establishment:
                return procedure.state == .decision1Notified || procedure.state == .decision2Notified
            case .hearing: return procedure.currentPeriod?.isHearingPending ?? false
            case .hearingRequest: return !(procedure.currentPeriod?.hearingRequested ?? true)
            default: return true
            }
        }
    }

    /// The event this act performs for `role`, or why it cannot. The state rules and deadlines are
    /// `EvaluationProcedure.transition`'s.
    public func event(for role: Role, date: LocalDate?, newLastDay: LocalDate?, procedure: EvaluationProcedure,
                      today: LocalDate) throws(EvaluationActError) -> EvaluationProcedure.Event {
        guard roles.contains(role) else { throw .roleNotAllowed(act: rawValue, role: role.label) }
        let date = date ?? today
        switch self {
        case .receipt:
            // The establishment acknowledges a decision once; the ARS may record an earlier e-mail
            // acknowledgement (the earlier proof counts, D19).
            if role == .establishment, procedure.state != .decision1Notified, procedure.state != .decision2Notified,
               EvaluationProcedure.allowedEvents(in: procedure.state).contains(.recordReceipt) {
                throw .alreadyAcknowledged
            }
            let kind: ReceiptProof.Kind = role == .establishment ? .platformAcknowledgement : .emailAcknowledgement
            return .recordReceipt(ReceiptProof(kind: kind, receivedOn: date))
        case .observations: return .receiveObservations(hearingRequested: false)
        case .hearingRequest:
            if procedure.currentPeriod?.hearingRequested == true { throw .hearingAlreadyRequested }
            return .receiveObservations(hearingRequested: true)
        case .answer: return .answerObservation
        case .hearing: return .recordHearing(heldOn: date, newLastDay: newLastDay)
        case .expiry: return .expire
        }
    }

    /// French label, as pages and the event log show it.
    public var description: String {
        switch self {
        case .receipt: "accusé de réception"
        case .observations: "observations"
        case .hearingRequest: "demande d'audition"
        case .answer: "réponse à une observation"
        case .hearing: "audition"
        case .expiry: "expiration du délai"
        }
    }
}

/// Why an evaluation act was refused before reaching the procedure.
public enum EvaluationActError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownAct(String)
    case roleNotAllowed(act: String, role: String)
    case alreadyAcknowledged
    case hearingAlreadyRequested

    public var description: String {
        switch self {
        case .unknownAct(let text):
            let known = EvaluationAct.allCases.filter { $0 != .expiry }.map(\.rawValue).joined(separator: ", ")
            return "type d'acte « \(text.prefix(40)) » inconnu (attendu : \(known))"
        case let .roleNotAllowed(act, role):
            return "l'acte « \(act) » n'est pas ouvert au rôle « \(role) »"
        case .alreadyAcknowledged:
            return "la réception de cette décision est déjà enregistrée : le délai de la période contradictoire court"
        case .hearingAlreadyRequested:
            return "une audition a déjà été demandée pour cette période : l'ARS l'enregistrera une fois tenue"
        }
    }
}

/// The decisions of the DG ARS on a yearly evaluation (DOMAIN B.5.2, D21), in order, and the
/// corrective decision: the only way back from a final decision. It withdraws the final decision
/// for a stated reason and reopens the incentive; the corrected amount then goes through a new
/// second decision, with its fifteen days to be heard, and a new final decision (one more round).
public enum DecisionStep: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case first = "decision_1"
    case second = "decision_2"
    case final = "decision_finale"
    case corrective = "decision_corrective"

    public static func parse(_ text: String) -> DecisionStep? { DecisionStep(rawValue: text) }

    /// The states the evaluation may be in for the director to issue this decision.
    public var issuedFrom: Set<EvaluationProcedure.State> {
        switch self {
        case .first: [.analysis]
        case .second: [.answers1, .reopened]
        case .final: [.answers2]
        case .corrective: [.finalDecision, .closed]
        }
    }

    /// The procedure event the decision performs.
    public var event: EvaluationProcedure.Event {
        self == .corrective ? .reopen : .notifyDecision
    }

    /// Whether the decision must state its reason in the director's own words.
    public var needsReason: Bool { self == .corrective }

    /// The next decision the director may issue on a procedure, if any.
    public static func next(for procedure: EvaluationProcedure) -> DecisionStep? {
        allCases.first { $0.issuedFrom.contains(procedure.state) }
    }

    /// The contradictory period this decision opens, none for the final one.
    public var period: LegalPeriod? {
        switch self {
        case .first: .evaluation1
        case .second: .evaluation2
        case .final, .corrective: nil
        }
    }

    /// Where the decision stands, given the procedure now: notified (awaiting proof of receipt),
    /// its contradictory period running, that period over, or final.
    public func state(in procedure: EvaluationProcedure) -> String {
        switch (self, procedure.state) {
        case (.final, _), (.corrective, _): "definitive"
        case (.first, .decision1Notified), (.second, .decision2Notified): "notifiee"
        case (.first, .contradictory1), (.second, .contradictory2): "periode_contradictoire"
        default: "periode_close"
        }
    }

    /// The deadline of this decision's contradictory period, if it has started.
    public func deadline(in procedure: EvaluationProcedure) -> Deadline? {
        switch self {
        case .first: procedure.firstPeriod?.deadline
        case .second: procedure.secondPeriod?.deadline
        case .final, .corrective: nil
        }
    }

    /// French title.
    public var description: String {
        switch self {
        case .first: "première décision (résultats et éligibilité)"
        case .second: "deuxième décision (montant de l'intéressement)"
        case .final: "décision définitive"
        case .corrective: "décision corrective (réouverture de l'intéressement)"
        }
    }

    /// The legal basis the decision cites (D21).
    public var legalBasis: [String] {
        var basis = [
            "Article L162-30-2 et L162-30-4 du code de la sécurité sociale (contrat d'amélioration de la qualité et de l'efficience des soins, intéressement versé au titre du FIR).",
            "Article D162-16 du code de la sécurité sociale (évaluation annuelle conjointe de l'ARS et de l'organisme local d'assurance maladie, procédure contradictoire).",
            "Arrêté du 23 février 2022 fixant les référentiels nationaux mentionnés à l'article L162-30-3.",
        ]
        switch self {
        case .first:
            basis.append("L'établissement dispose d'un mois à compter de la réception de la présente décision pour présenter des observations écrites ou demander à être entendu.")
        case .second:
            basis.append("L'établissement dispose de quinze jours à compter de la réception de la présente décision pour présenter des observations écrites ou demander à être entendu.")
        case .corrective:
            basis.append("Articles L242-1 à L242-4 du code des relations entre le public et l'administration : une décision créatrice de droits n'est retirée que si elle est illégale, dans les quatre mois suivant son édiction, ou à la demande de son bénéficiaire pour lui substituer une décision plus favorable.")
            basis.append("Le montant corrigé fera l'objet d'une nouvelle deuxième décision : l'établissement disposera de quinze jours à compter de sa réception pour présenter des observations écrites ou demander à être entendu (articles L121-1 et L122-1 du même code), avant une nouvelle décision définitive.")
        case .final:
            basis.append("La présente décision peut faire l'objet d'un recours gracieux auprès du directeur général de l'ARS ou d'un recours contentieux devant le tribunal administratif dans un délai de deux mois à compter de sa notification.")
        }
        return basis
    }
}

extension EvaluationProcedure.State {
    /// The API's code for the state (D29).
    public var code: String {
        switch self {
        case .open: "a_saisir"
        case .selfAssessment: "saisie"
        case .analysis: "analyse"
        case .decision1Notified: "decision_1_notifiee"
        case .contradictory1: "periode_1"
        case .answers1: "reponses_1"
        case .decision2Notified: "decision_2_notifiee"
        case .contradictory2: "periode_2"
        case .answers2: "reponses_2"
        case .finalDecision: "decision_finale"
        case .closed: "cloturee"
        case .reopened: "reouverte"
        }
    }

    public init?(code: String) {
        guard let state = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = state
    }

    /// Who acts next: `etablissement` or `ars`.
    public var waitingOn: String {
        switch self {
        case .open, .selfAssessment, .decision1Notified, .decision2Notified, .contradictory1, .contradictory2: "etablissement"
        case .analysis, .answers1, .answers2, .finalDecision, .reopened: "ars"
        case .closed: ""
        }
    }
}
