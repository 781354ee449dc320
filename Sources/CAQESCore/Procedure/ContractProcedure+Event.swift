import Foundation

extension ContractProcedure {
    /// Something that happens to a contract; the date it happens is the transition's `now`.
    public enum Event: Hashable, Sendable, Codable {
        /// The local AM fund gives its opinion on the proposal (before each sending, D162-15).
        case recordInsuranceOpinion(on: LocalDate)
        /// The DG ARS sends the proposal, after the local AM fund's opinion (D162-15).
        case sendProposal(insuranceOpinionOn: LocalDate, effectiveDate: LocalDate)
        /// Proof that the establishment received the current document (D19).
        case recordReceipt(ReceiptProof)
        /// The CME gave its opinion (mandatory before the establishment signs, L162-30-2).
        case recordCMEOpinion(on: LocalDate)
        /// Written observations from the establishment, with or without a hearing request.
        case receiveObservations(hearingRequested: Bool)
        /// The ARS answers one observation (D21: every observation gets its answer).
        case answerObservation
        /// The establishment accepts the proposal: the three signatures are collected next.
        case accept
        /// After observations (and a hearing), the ARS agrees with the establishment: signatures next.
        case agree
        /// The establishment refuses to sign, in writing.
        case refuse
        /// The ARS records the hearing; `newLastDay` nil means the default (7 days after, D18).
        case recordHearing(heldOn: LocalDate, newLastDay: LocalDate?)
        /// The first period ended without signature.
        case expire
        /// The DG ARS notifies the amended proposal, stating the refusal sanction (D14).
        case notifyAmendedProposal(refusalSanction: Decimal)
        /// The establishment's legal representative signs (after the CME opinion).
        case establishmentSigns
        /// The DG ARS or the délégué départemental signs.
        case arsSigns(ARSSignatory)
        /// The local AM fund's director signs.
        case insuranceFundSigns
        /// The DG ARS notifies the refusal sanction and informs the recovering caisse.
        case notifySanction
        /// The caisse (L174-2, L174-18 or L752-1) recovers the sanction.
        case startRecovery
        /// The signed contract reaches its effective date.
        case takeEffect

        /// The kind of event, without its data: what the event log stores and tests enumerate.
        public enum Kind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
            case recordInsuranceOpinion = "record_insurance_opinion"
            case sendProposal = "send_proposal"
            case recordReceipt = "record_receipt"
            case recordCMEOpinion = "record_cme_opinion"
            case receiveObservations = "receive_observations"
            case answerObservation = "answer_observation"
            case accept = "accept"
            case agree = "agree"
            case refuse = "refuse"
            case recordHearing = "record_hearing"
            case expire = "expire"
            case notifyAmendedProposal = "notify_amended_proposal"
            case establishmentSigns = "establishment_signs"
            case arsSigns = "ars_signs"
            case insuranceFundSigns = "insurance_fund_signs"
            case notifySanction = "notify_sanction"
            case startRecovery = "start_recovery"
            case takeEffect = "take_effect"

            /// Reads a stored event name.
            public static func parse(_ text: String) throws(ProcedureError) -> Kind {
                guard let kind = Kind(rawValue: text) else { throw .unknownEvent(text) }
                return kind
            }

            /// French label, as pages, the event log and errors show it.
            public var description: String {
                switch self {
                case .recordInsuranceOpinion: return "avis de l'organisme local d'assurance maladie"
                case .sendProposal: return "envoi de la proposition de contrat"
                case .recordReceipt: return "preuve de réception"
                case .recordCMEOpinion: return "avis de la CME"
                case .receiveObservations: return "observations de l'établissement"
                case .answerObservation: return "réponse de l'ARS à une observation"
                case .accept: return "acceptation de la proposition par l'établissement"
                case .agree: return "accord de l'ARS après observations"
                case .refuse: return "refus de signer de l'établissement"
                case .recordHearing: return "audition de l'établissement"
                case .expire: return "expiration du délai"
                case .notifyAmendedProposal: return "notification de la proposition modifiée"
                case .establishmentSigns: return "signature de l'établissement"
                case .arsSigns: return "signature de l'ARS"
                case .insuranceFundSigns: return "signature de l'organisme local d'assurance maladie"
                case .notifySanction: return "notification de la sanction pour refus de signer"
                case .startRecovery: return "mise en recouvrement par la caisse"
                case .takeEffect: return "entrée en vigueur"
                }
            }
        }

        public var kind: Kind {
            switch self {
            case .recordInsuranceOpinion: return .recordInsuranceOpinion
            case .sendProposal: return .sendProposal
            case .recordReceipt: return .recordReceipt
            case .recordCMEOpinion: return .recordCMEOpinion
            case .receiveObservations: return .receiveObservations
            case .answerObservation: return .answerObservation
            case .accept: return .accept
            case .agree: return .agree
            case .refuse: return .refuse
            case .recordHearing: return .recordHearing
            case .expire: return .expire
            case .notifyAmendedProposal: return .notifyAmendedProposal
            case .establishmentSigns: return .establishmentSigns
            case .arsSigns: return .arsSigns
            case .insuranceFundSigns: return .insuranceFundSigns
            case .notifySanction: return .notifySanction
            case .startRecovery: return .startRecovery
            case .takeEffect: return .takeEffect
            }
        }
    }
}
