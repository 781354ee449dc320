import Foundation

/// Why a procedure step was refused; every message is French and names what and when (D22).
public enum ProcedureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The event does not apply in this state (labels of both).
    case eventNotAllowed(event: String, state: String)
    /// A stored state name that no state has.
    case unknownState(String)
    /// A stored event name that no event has.
    case unknownEvent(String)
    /// A period name that no legal period has.
    case unknownPeriod(String)
    /// The event needs the period to be over, and it runs until `lastDay` inclusive.
    case deadlineNotReached(event: String, lastDay: LocalDate)
    /// The event came after the period ended.
    case tooLate(event: String, date: LocalDate, lastDay: LocalDate)
    /// A hearing was requested and is not recorded yet, so the period stays open (D18).
    case hearingPending
    /// A hearing is being recorded but none was requested.
    case hearingNotRequested
    /// The hearing was already recorded.
    case hearingAlreadyRecorded(LocalDate)
    /// The deadline the ARS set falls before the hearing.
    case deadlineBeforeHearing(deadline: LocalDate, hearing: LocalDate)
    /// A date given with an event lies after the day the event is recorded.
    case dateInFuture(what: String, date: LocalDate, today: LocalDate)
    /// A receipt dated before the document was sent.
    case receiptBeforeSending(receipt: LocalDate, sent: LocalDate)
    /// The establishment signs only after the CME opinion (L162-30-2, D162-14).
    case cmeOpinionMissing
    /// This party has signed already.
    case alreadySigned(String)
    /// The amended proposal comes after a new opinion of the local AM fund (D162-15).
    case insuranceOpinionOnAmendmentMissing
    /// The amended proposal must state the refusal sanction (D162-15, D14), a positive amount.
    case refusalSanctionMissing
    /// The contract cannot take effect before its effective date.
    case notYetEffective(LocalDate)
    /// A stored record in a period state carries no period (a data fault, not a user mistake).
    case missingPeriod(state: String)

    public var description: String {
        switch self {
        case let .eventNotAllowed(event, state):
            return "l'événement « \(event) » n'est pas possible dans l'état « \(state) »"
        case .unknownState(let name):
            return "état de procédure « \(name) » inconnu"
        case .unknownEvent(let name):
            return "événement de procédure « \(name) » inconnu"
        case .unknownPeriod(let name):
            return "délai « \(name) » inconnu : contrat-1, contrat-2, evaluation-1, evaluation-2 ou audition attendu"
        case let .deadlineNotReached(event, lastDay):
            return "l'événement « \(event) » est prématuré : le délai court jusqu'au \(lastDay) inclus"
        case let .tooLate(event, date, lastDay):
            return "l'événement « \(event) » du \(date) est hors délai : le délai a pris fin le \(lastDay)"
        case .hearingPending:
            return "une audition a été demandée et n'a pas encore eu lieu : le délai reste ouvert jusqu'à son enregistrement"
        case .hearingNotRequested:
            return "aucune audition n'a été demandée par l'établissement"
        case .hearingAlreadyRecorded(let date):
            return "l'audition a déjà été enregistrée (tenue le \(date))"
        case let .deadlineBeforeHearing(deadline, hearing):
            return "le nouveau délai (\(deadline)) ne peut pas précéder l'audition du \(hearing)"
        case let .dateInFuture(what, date, today):
            return "la date \(what) (\(date)) est postérieure à la date d'enregistrement (\(today))"
        case let .receiptBeforeSending(receipt, sent):
            return "la réception du \(receipt) précède l'envoi du document le \(sent)"
        case .cmeOpinionMissing:
            return "l'établissement ne peut signer qu'après l'avis de la CME : enregistrez d'abord cet avis"
        case .alreadySigned(let party):
            return "\(party) a déjà signé"
        case .insuranceOpinionOnAmendmentMissing:
            return "l'avis de l'organisme local d'assurance maladie sur la proposition modifiée doit être enregistré avant sa notification (D162-15)"
        case .refusalSanctionMissing:
            return "la proposition modifiée doit indiquer le montant (positif) de la sanction en cas de refus de signer"
        case .notYetEffective(let date):
            return "le contrat ne peut entrer en vigueur avant sa date d'effet, le \(date)"
        case .missingPeriod(let state):
            return "dossier incohérent : l'état « \(state) » n'a pas de période contradictoire enregistrée"
        }
    }
}
