import Foundation

/// An act of the contract procedure as users and the API name it (D29), with who may perform it.
///
/// Each act becomes one `ContractProcedure.Event`; `reponse` (an answer to an observation) changes
/// no state but is logged like any act (D20, D21). `expiration` and `entree_en_vigueur` are the
/// platform's own acts, done by deadline jobs.
public enum ContractAct: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case insuranceOpinion = "avis_am"
    case send = "envoi"
    case receipt = "accuse_reception"
    case cmeOpinion = "avis_cme"
    case acceptance = "acceptation"
    case observations = "observations"
    case hearingRequest = "demande_audition"
    case answer = "reponse"
    case hearing = "audition"
    case agreement = "accord"
    case amendedProposal = "proposition_modifiee"
    case signature = "signature"
    case refusal = "refus"
    case sanctionNotice = "notification_sanction"
    case recovery = "recouvrement"
    case expiry = "expiration"
    case entryIntoForce = "entree_en_vigueur"

    /// Reads an act type as the API sends it; the error lists the accepted ones.
    public static func parse(_ text: String) throws(ContractActError) -> ContractAct {
        guard let act = ContractAct(rawValue: text), !act.isPlatformAct else { throw .unknownAct(text) }
        return act
    }

    /// Acts the platform performs by itself (deadline jobs), never a person.
    public var isPlatformAct: Bool { self == .expiry || self == .entryIntoForce }

    /// The roles that may perform this act (within their scope: 404 outside it).
    ///
    /// The ARS (analyst or director) records what arrives by e-mail: an acknowledgement of
    /// receipt with its proof, the answer to an observation, the hearing. Decisions are the
    /// director's: sending, agreement, amended proposal, sanction. The establishment acts for
    /// itself; the local AM fund gives its opinion, signs and recovers the sanction.
    public var roles: Set<Role> {
        switch self {
        case .insuranceOpinion: [.insurer, .arsAnalyst, .arsDirector]
        case .send, .agreement, .amendedProposal, .sanctionNotice: [.arsDirector]
        case .receipt: [.establishment, .arsAnalyst, .arsDirector]
        case .cmeOpinion, .acceptance, .observations, .hearingRequest, .refusal: [.establishment]
        case .answer, .hearing: [.arsAnalyst, .arsDirector]
        case .signature: [.establishment, .arsDirector, .insurer]
        case .recovery: [.insurer]
        case .expiry, .entryIntoForce: []
        }
    }

    /// The procedure event kind this act performs, for `role` (a signature depends on who signs).
    public func eventKind(for role: Role) -> ContractProcedure.Event.Kind {
        switch self {
        case .insuranceOpinion: .recordInsuranceOpinion
        case .send: .sendProposal
        case .receipt: .recordReceipt
        case .cmeOpinion: .recordCMEOpinion
        case .acceptance: .accept
        case .observations, .hearingRequest: .receiveObservations
        case .answer: .answerObservation
        case .hearing: .recordHearing
        case .agreement: .agree
        case .amendedProposal: .notifyAmendedProposal
        case .signature:
            switch role {
            case .arsDirector: .arsSigns
            case .insurer: .insuranceFundSigns
            default: .establishmentSigns
            }
        case .refusal: .refuse
        case .sanctionNotice: .notifySanction
        case .recovery: .startRecovery
        case .expiry: .expire
        case .entryIntoForce: .takeEffect
        }
    }

    /// The acts `role` may perform now on a procedure in `state`.
    public static func available(in procedure: ContractProcedure, for role: Role) -> [ContractAct] {
        let allowed = ContractProcedure.allowedEvents(in: procedure.state)
        return allCases.filter { act in
            guard !act.isPlatformAct, act.roles.contains(role), allowed.contains(act.eventKind(for: role)) else { return false }
            switch act.eventKind(for: role) {
            case .establishmentSigns: return procedure.establishmentSignedOn == nil
            case .arsSigns: return procedure.arsSignature == nil
            case .insuranceFundSigns: return procedure.insuranceFundSignedOn == nil
            case .recordHearing: return procedure.currentPeriod?.isHearingPending ?? false
            case .sendProposal: return procedure.insuranceOpinionOn != nil
            case .notifyAmendedProposal: return procedure.hasOpinionOnAmendment
            // The establishment acknowledges a document once; the ARS may still record an
            // earlier e-mail acknowledgement (the earlier proof counts, D19).
            case .recordReceipt where role == .establishment:
                return procedure.state == .proposalSent || procedure.state == .amendedProposalNotified
            case .receiveObservations where act == .hearingRequest:
                return !(procedure.currentPeriod?.hearingRequested ?? true)
            default: return true
            }
        }
    }

    /// French label, as pages and the event log show it.
    public var description: String {
        switch self {
        case .insuranceOpinion: "avis de l'organisme local d'assurance maladie"
        case .send: "envoi de la proposition"
        case .receipt: "accusé de réception"
        case .cmeOpinion: "avis de la CME"
        case .acceptance: "acceptation de la proposition"
        case .observations: "observations"
        case .hearingRequest: "demande d'audition"
        case .answer: "réponse à une observation"
        case .hearing: "audition"
        case .agreement: "accord après observations"
        case .amendedProposal: "proposition modifiée"
        case .signature: "signature"
        case .refusal: "refus de signer"
        case .sanctionNotice: "notification de la sanction"
        case .recovery: "mise en recouvrement"
        case .expiry: "expiration du délai"
        case .entryIntoForce: "entrée en vigueur"
        }
    }
}

/// Why an act was refused before reaching the procedure.
public enum ContractActError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownAct(String)
    case roleNotAllowed(act: String, role: String)
    case insuranceOpinionMissing
    case hearingAlreadyRequested
    case alreadyAcknowledged
    case missing(String)

    public var description: String {
        switch self {
        case .unknownAct(let text):
            let known = ContractAct.allCases.filter { !$0.isPlatformAct }.map(\.rawValue).joined(separator: ", ")
            return "type d'acte « \(text.prefix(40)) » inconnu (attendu : \(known))"
        case let .roleNotAllowed(act, role):
            return "l'acte « \(act) » n'est pas ouvert au rôle « \(role) »"
        case .insuranceOpinionMissing:
            return "l'avis de l'organisme local d'assurance maladie doit être enregistré avant l'envoi de la proposition (acte « avis_am »)"
        case .alreadyAcknowledged:
            return "la réception de ce document est déjà enregistrée : le délai de la période contradictoire court"
        case .hearingAlreadyRequested:
            return "une audition a déjà été demandée pour cette période : l'ARS l'enregistrera une fois tenue"
        case .missing(let what):
            return "information manquante : \(what)"
        }
    }
}

/// What an act carries besides its type: the dates it states and the contract's own figures.
public struct ContractActInput: Sendable, Hashable {
    /// The date the act states (an opinion, a receipt, a hearing); `today` when absent.
    public var date: LocalDate?
    /// A receipt recorded by the ARS from an e-mail (with its proof file) rather than in the platform.
    public var receiptByEmail: Bool
    /// The deadline the ARS sets after a hearing (default: 7 days after it, D18).
    public var newLastDay: LocalDate?
    /// The contract's effective date (sending).
    public var effectiveDate: LocalDate?
    /// The refusal sanction the amended proposal states (D14).
    public var refusalSanction: Decimal?
    /// For the ARS signature: the DG ARS or the délégué départemental.
    public var arsSignatory: ARSSignatory

    public init(date: LocalDate? = nil, receiptByEmail: Bool = false, newLastDay: LocalDate? = nil,
                effectiveDate: LocalDate? = nil, refusalSanction: Decimal? = nil,
                arsSignatory: ARSSignatory = .regionalDirector) {
        self.date = date
        self.receiptByEmail = receiptByEmail
        self.newLastDay = newLastDay
        self.effectiveDate = effectiveDate
        self.refusalSanction = refusalSanction
        self.arsSignatory = arsSignatory
    }
}

extension ContractAct {
    /// The procedure event this act performs for `role`, or why it cannot be performed by it.
    /// The state rules (and deadlines) are `ContractProcedure.transition`'s.
    public func event(for role: Role, input: ContractActInput, procedure: ContractProcedure,
                      today: LocalDate) throws(ContractActError) -> ContractProcedure.Event {
        guard roles.contains(role) else { throw .roleNotAllowed(act: rawValue, role: role.label) }
        let date = input.date ?? today
        switch eventKind(for: role) {
        case .recordInsuranceOpinion: return .recordInsuranceOpinion(on: date)
        case .sendProposal:
            guard let opinion = procedure.insuranceOpinionOn else { throw .insuranceOpinionMissing }
            guard let effective = input.effectiveDate else { throw .missing("date d'effet du contrat") }
            return .sendProposal(insuranceOpinionOn: opinion, effectiveDate: effective)
        case .recordReceipt:
            // The establishment acknowledges a document once, when it arrives; the ARS records an
            // e-mail acknowledgement, possibly earlier (the earlier proof counts, D19).
            if role == .establishment, procedure.state != .proposalSent, procedure.state != .amendedProposalNotified,
               ContractProcedure.allowedEvents(in: procedure.state).contains(.recordReceipt) {
                throw .alreadyAcknowledged
            }
            let kind: ReceiptProof.Kind = role == .establishment ? .platformAcknowledgement : .emailAcknowledgement
            return .recordReceipt(ReceiptProof(kind: kind, receivedOn: date))
        case .recordCMEOpinion: return .recordCMEOpinion(on: date)
        case .receiveObservations:
            if self == .hearingRequest, procedure.currentPeriod?.hearingRequested == true { throw .hearingAlreadyRequested }
            return .receiveObservations(hearingRequested: self == .hearingRequest)
        case .answerObservation: return .answerObservation
        case .recordHearing: return .recordHearing(heldOn: date, newLastDay: input.newLastDay)
        case .accept: return .accept
        case .agree: return .agree
        case .refuse: return .refuse
        case .notifyAmendedProposal:
            guard let sanction = input.refusalSanction else { throw .missing("montant de la sanction en cas de refus") }
            return .notifyAmendedProposal(refusalSanction: sanction)
        case .establishmentSigns: return .establishmentSigns
        case .arsSigns: return .arsSigns(input.arsSignatory)
        case .insuranceFundSigns: return .insuranceFundSigns
        case .notifySanction: return .notifySanction
        case .startRecovery: return .startRecovery
        case .expire: return .expire
        case .takeEffect: return .takeEffect
        }
    }
}
