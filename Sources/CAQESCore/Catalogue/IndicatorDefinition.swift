import Foundation

/// The three volets of the 2022+ contract (CSS D162-14-I).
public enum Section: String, Sendable, Hashable, Codable, CaseIterable {
    case healthProducts = "produits_de_sante"
    case careOrganisation = "organisation_des_soins"
    case relevance = "pertinence"

    /// French title of the volet.
    public var label: String {
        switch self {
        case .healthProducts: "Volet produits de santé"
        case .careOrganisation: "Volet organisation des soins"
        case .relevance: "Volet pertinence des actes, prescriptions et prestations"
        }
    }
}

/// One indicator of a catalogue: how establishments are targeted on it, and how it is evaluated
/// (national savings-based incentive, regional yearly target, or informative value only).
/// A final class: definitions are shared by every result that cites them, copied by reference.
public final class IndicatorDefinition: Sendable {
    /// Short code, unique in its catalogue: `N1`, `N1.2`, `HDF-BIO-TRA`.
    public let code: String
    public let label: String
    public let section: Section
    /// Data source shown with results.
    public let source: String?
    /// Highest incentive rate (20 % = 0.2); present for paid national indicators.
    public let cap: Decimal?
    /// Informative indicators are computed and shown, never paid (D8).
    public let informative: Bool
    /// For an informative indicator, the paid indicator it complements.
    public let parent: String?
    /// The indicator's value for year `N`, shown in results.
    public let value: CompiledFormula?
    /// Who is targeted; nil when the ARS assigns the indicator by contract.
    public let targeting: TargetingRule?
    /// National incentive rule (savings × rate).
    public let incentive: IncentiveRule?
    /// Regional yearly target (met or not, feeds the FIR envelope).
    public let target: RegionalTarget?
    /// The catalogue's envelope group this regional indicator belongs to: indicators of one group
    /// count as ONE regional indicator in the FIR envelope share (D24: HDF biosimilars).
    public let envelopeGroup: String?
    /// How the yearly self-assessment treats it: reviewer, evidence, declared measures.
    public let review: IndicatorReview
    /// Where the indicator starts in its file.
    public let location: SourceLocation

    public init(
        code: String, label: String, section: Section, source: String?, cap: Decimal?, informative: Bool,
        parent: String?, value: CompiledFormula?, targeting: TargetingRule?, incentive: IncentiveRule?,
        target: RegionalTarget?, location: SourceLocation, envelopeGroup: String? = nil,
        review: IndicatorReview = IndicatorReview()
    ) {
        self.code = code
        self.label = label
        self.section = section
        self.source = source
        self.cap = cap
        self.informative = informative
        self.parent = parent
        self.value = value
        self.targeting = targeting
        self.incentive = incentive
        self.target = target
        self.location = location
        self.envelopeGroup = envelopeGroup
        self.review = review
    }

    /// Paid through the national incentive: has an incentive rule and is not informative.
    public var isPaidNationally: Bool { incentive != nil && !informative }
}

/// National incentive rule: the savings formula; the amount is savings × rate, rate ≤ cap (D2, D3).
public struct IncentiveRule: Sendable {
    /// Spending avoided between N-1 and N, as written in the seed; negative values pay nothing
    /// (the engine floors it at 0, D2).
    public let savings: CompiledFormula
    /// Parts of the savings that contribute 0 € under a condition the explanation must state
    /// (EPA sub-indicators without eligible stays, D26); `savings` itself puts them at 0.
    public let zeroParts: [ZeroPart]

    public init(savings: CompiledFormula, zeroParts: [ZeroPart] = []) {
        self.savings = savings
        self.zeroParts = zeroParts
    }
}

/// A part of an indicator's savings that contributes 0 € when `when` holds, and says why.
public struct ZeroPart: Sendable {
    /// The part, as users know it: `EPA 1 — bilan d'hémostase de l'enfant`.
    public let label: String
    /// A boolean formula: true when the part contributes 0 €.
    public let when: CompiledFormula
    /// Why, in French: `aucun séjour éligible l'année évaluée ou sur la période de référence`.
    public let reason: String

    public init(label: String, when: CompiledFormula, reason: String) {
        self.label = label
        self.when = when
        self.reason = reason
    }
}
