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
        case .targeted: return [.sendProposal]
        case .proposalSent: return [.recordReceipt]
        case .period1Open:
            return [.recordReceipt, .recordCMEOpinion, .receiveObservations, .expire, .establishmentSigns]
        case .observationsReceived:
            return [.recordCMEOpinion, .receiveObservations, .recordHearing, .notifyAmendedProposal,
                    .establishmentSigns]
        case .period1Expired: return [.recordCMEOpinion, .notifyAmendedProposal]
        case .amendedProposalNotified: return [.recordReceipt, .recordCMEOpinion]
        case .period2Open:
            return [.recordReceipt, .recordCMEOpinion, .receiveObservations, .establishmentSigns, .notifySanction]
        case .hearingPending:
            return [.recordCMEOpinion, .receiveObservations, .recordHearing, .establishmentSigns, .notifySanction]
        case .signing: return [.arsSigns, .insuranceFundSigns]
        case .signed: return [.takeEffect]
        case .sanctionNotified: return [.startRecovery]
        case .recoveryByCaisse, .inForce: return []
        }
    }
}
