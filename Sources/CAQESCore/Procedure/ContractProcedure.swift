import Foundation

/// The proposal-and-signature procedure of one contract or amendment (DOMAIN B.5.1, D14, D17–D19).
///
/// A value: the state (stored as its raw string) plus the dates and periods the rules need.
/// It changes only through `transition(from:event:now:settings:)`; the App stores the fields and
/// restores them with the memberwise initialiser.
///
/// Path: targeted → proposal sent (after the local AM opinion) → first period open on proven
/// receipt (21 days) → signed by the establishment, or observations (hearing?), or expiry →
/// amended proposal stating the refusal sanction → second period (15 days, or 14) → signature,
/// or observations/hearing, or sanction notified → recovery by the caisse. The establishment's
/// signature needs the CME opinion; the contract is signed once the ARS (DG or délégué
/// départemental) and the local AM director have signed too, then enters into force.
public struct ContractProcedure: Hashable, Sendable, Codable {
    public var state: State
    /// Date of the local AM fund's opinion on the proposal (required before sending, D162-15).
    public var insuranceOpinionOn: LocalDate?
    /// Effective date written in the contract (e.g. 01/07/2022, or 01/01/2025 for amendments).
    public var effectiveDate: LocalDate?
    /// Date the current document (proposal, then amended proposal) was sent.
    public var sentOn: LocalDate?
    public var firstPeriod: ContradictoryPeriod?
    public var secondPeriod: ContradictoryPeriod?
    public var cmeOpinionOn: LocalDate?
    /// The refusal sanction stated in the amended proposal (a share of the AM products, D14).
    public var refusalSanction: Decimal?
    public var establishmentSignedOn: LocalDate?
    public var arsSignature: ARSSignature?
    public var insuranceFundSignedOn: LocalDate?
    public var sanctionNotifiedOn: LocalDate?
    public var inForceSince: LocalDate?

    public init(state: State = .targeted, insuranceOpinionOn: LocalDate? = nil, effectiveDate: LocalDate? = nil,
                sentOn: LocalDate? = nil, firstPeriod: ContradictoryPeriod? = nil,
                secondPeriod: ContradictoryPeriod? = nil, cmeOpinionOn: LocalDate? = nil,
                refusalSanction: Decimal? = nil, establishmentSignedOn: LocalDate? = nil,
                arsSignature: ARSSignature? = nil, insuranceFundSignedOn: LocalDate? = nil,
                sanctionNotifiedOn: LocalDate? = nil, inForceSince: LocalDate? = nil) {
        self.state = state
        self.insuranceOpinionOn = insuranceOpinionOn
        self.effectiveDate = effectiveDate
        self.sentOn = sentOn
        self.firstPeriod = firstPeriod
        self.secondPeriod = secondPeriod
        self.cmeOpinionOn = cmeOpinionOn
        self.refusalSanction = refusalSanction
        self.establishmentSignedOn = establishmentSignedOn
        self.arsSignature = arsSignature
        self.insuranceFundSignedOn = insuranceFundSignedOn
        self.sanctionNotifiedOn = sanctionNotifiedOn
        self.inForceSince = inForceSince
    }

    /// The period running in the current state, if any (for deadline lists and reminders).
    public var currentPeriod: ContradictoryPeriod? {
        switch state {
        case .period1Open, .observationsReceived, .period1Expired: return firstPeriod
        case .period2Open, .hearingPending: return secondPeriod
        default: return nil
        }
    }

    /// The local AM fund gave an opinion since the first proposal was sent (needed to amend it).
    public var hasOpinionOnAmendment: Bool {
        guard let opinion = insuranceOpinionOn, let sent = sentOn else { return false }
        return opinion >= sent
    }

    /// All three parties have signed (ES legal representative, ARS, local AM director).
    public var isFullySigned: Bool {
        establishmentSignedOn != nil && arsSignature != nil && insuranceFundSignedOn != nil
    }

    /// The refusal sanction for AM products of the last closed year: products × `rate`, rounded to
    /// the cent half away from zero (D7). The rate is the catalogue's `refusalSanctionRate` (1 %,
    /// D162-15, D14), passed in so that the procedure holds no rate of its own. DOMAIN B.8 ex. 16:
    /// 80 000 000 € at 1 % → 800 000,00 €.
    public static func refusalSanction(insuranceProductsLastClosedYear products: Decimal, rate: Decimal) -> Decimal {
        Money.roundToCent(products * rate)
    }
}

/// Who signed for the ARS: the DG ARS or, as in Île-de-France, the délégué départemental.
public enum ARSSignatory: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case regionalDirector = "dg_ars"
    case departmentalDelegate = "delegue_departemental"

    public var description: String {
        switch self {
        case .regionalDirector: return "directeur général de l'ARS"
        case .departmentalDelegate: return "délégué départemental de l'ARS"
        }
    }
}

/// The ARS signature: who signed and when.
public struct ARSSignature: Hashable, Sendable, Codable {
    public let signatory: ARSSignatory
    public let signedOn: LocalDate

    public init(signatory: ARSSignatory, signedOn: LocalDate) {
        self.signatory = signatory
        self.signedOn = signedOn
    }
}
