extension ContractProcedure {
    /// Where a contract stands; the raw value is what the database stores.
    public enum State: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case targeted = "targeted"
        case proposalSent = "proposal_sent"
        case period1Open = "period1_open"
        case observationsReceived = "observations_received"
        case period1Expired = "period1_expired"
        case amendedProposalNotified = "amended_proposal_notified"
        case period2Open = "period2_open"
        case hearingPending = "hearing_pending"
        case signing = "signing"
        case signed = "signed"
        case refused = "refused"
        case sanctionNotified = "sanction_notified"
        case recoveryByCaisse = "recovery_by_caisse"
        case inForce = "in_force"

        /// Reads a stored state name.
        public static func parse(_ text: String) throws(ProcedureError) -> State {
            guard let state = State(rawValue: text) else { throw .unknownState(text) }
            return state
        }

        /// French label, as pages and errors show it.
        public var description: String {
            switch self {
            case .targeted: return "ciblé"
            case .proposalSent: return "proposition envoyée"
            case .period1Open: return "première période contradictoire ouverte"
            case .observationsReceived: return "observations reçues (première période)"
            case .period1Expired: return "première période contradictoire expirée"
            case .amendedProposalNotified: return "proposition modifiée notifiée"
            case .period2Open: return "seconde période contradictoire ouverte"
            case .hearingPending: return "observations ou audition en cours (seconde période)"
            case .signing: return "en cours de signature"
            case .signed: return "signé par les trois parties"
            case .refused: return "refus de signer exprimé par l'établissement"
            case .sanctionNotified: return "sanction pour refus de signer notifiée"
            case .recoveryByCaisse: return "sanction en recouvrement par la caisse"
            case .inForce: return "en vigueur"
            }
        }

        /// No event leaves this state.
        public var isFinal: Bool { self == .inForce || self == .recoveryByCaisse }
    }

    /// The events that apply in `state` (pages offer only these actions).
    public static func allowedEvents(in state: State) -> Set<Event.Kind> {
        switch state {
        case .targeted: return [.recordInsuranceOpinion, .sendProposal]
        case .proposalSent: return [.recordReceipt]
        case .period1Open:
            return [.recordReceipt, .recordCMEOpinion, .receiveObservations, .expire, .establishmentSigns, .accept, .refuse]
        case .observationsReceived:
            return [.recordCMEOpinion, .receiveObservations, .answerObservation, .recordHearing, .recordInsuranceOpinion,
                    .notifyAmendedProposal, .establishmentSigns, .accept, .agree, .refuse]
        case .period1Expired: return [.recordCMEOpinion, .answerObservation, .recordInsuranceOpinion, .notifyAmendedProposal]
        case .amendedProposalNotified: return [.recordReceipt, .recordCMEOpinion, .answerObservation]
        case .period2Open:
            return [.recordReceipt, .recordCMEOpinion, .receiveObservations, .answerObservation, .establishmentSigns,
                    .accept, .refuse, .notifySanction]
        case .hearingPending:
            return [.recordCMEOpinion, .receiveObservations, .answerObservation, .recordHearing, .recordInsuranceOpinion,
                    .establishmentSigns, .accept, .agree, .refuse, .notifySanction]
        case .refused: return [.answerObservation, .recordInsuranceOpinion, .notifyAmendedProposal, .notifySanction]
        case .signing: return [.recordCMEOpinion, .establishmentSigns, .arsSigns, .insuranceFundSigns]
        case .signed: return [.takeEffect]
        case .sanctionNotified: return [.startRecovery]
        case .recoveryByCaisse, .inForce: return []
        }
    }
}

extension ContractProcedure.State {
    /// The state as the API names it (`etat`, D29).
    public var code: String {
        switch self {
        case .targeted: "cible"
        case .proposalSent: "proposition_envoyee"
        case .period1Open: "periode_1"
        case .observationsReceived: "observations"
        case .period1Expired: "periode_1_expiree"
        case .amendedProposalNotified: "proposition_modifiee"
        case .period2Open: "periode_2"
        case .hearingPending: "audition_demandee"
        case .signing: "signature"
        case .signed: "signe"
        case .refused: "refuse"
        case .sanctionNotified: "sanction_notifiee"
        case .recoveryByCaisse: "recouvre"
        case .inForce: "en_vigueur"
        }
    }

    /// Reads an API state name (`?etat=`).
    public init?(code: String) {
        guard let state = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = state
    }
}

/// A party of the procedure, as `attente_de` names who must act next.
public enum ContractParty: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case ars = "ars"
    case establishment = "etablissement"
    case insurer = "assurance_maladie"
    case platform = "plateforme"

    public var description: String {
        switch self {
        case .ars: "l'ARS"
        case .establishment: "l'établissement"
        case .insurer: "l'Assurance Maladie"
        case .platform: "la plateforme (date d'effet)"
        }
    }

    /// The roles that act for this party.
    public var roles: Set<Role> {
        switch self {
        case .ars: [.arsAnalyst, .arsDirector]
        case .establishment: [.establishment]
        case .insurer: [.insurer]
        case .platform: []
        }
    }
}

extension ContractProcedure {
    /// Who must act next; empty once the procedure is over.
    public var waitingOn: [ContractParty] {
        switch state {
        case .targeted, .observationsReceived, .period1Expired, .hearingPending, .refused: return [.ars]
        case .proposalSent, .period1Open, .amendedProposalNotified, .period2Open: return [.establishment]
        case .signing:
            var parties: [ContractParty] = []
            if establishmentSignedOn == nil { parties.append(.establishment) }
            if arsSignature == nil { parties.append(.ars) }
            if insuranceFundSignedOn == nil { parties.append(.insurer) }
            return parties
        case .signed: return [.platform]
        case .sanctionNotified: return [.insurer]
        case .recoveryByCaisse, .inForce: return []
        }
    }

    /// The legal deadline running now, if any: the last day of the current period.
    public var deadline: Deadline? { currentPeriod?.deadline }
}
