/// Whether a regional indicator's target is met for one year.
public enum RegionalTargetStatus: Sendable, Equatable {
    case achieved
    case notAchieved
    case notEvaluable(missing: [MissingValue], reasons: [String])
    /// The catalogue sets no target for this year.
    case noTarget
    /// The indicator does not concern the establishment this year (its `applies_when` is false:
    /// a biosimilar molecule it does not use, D24).
    case notApplicable

    /// `atteint`, `non atteint`, `non évaluable`, `pas de cible`, `sans objet`.
    public var label: String {
        switch self {
        case .achieved: "atteint"
        case .notAchieved: "non atteint"
        case .notEvaluable: "non évaluable"
        case .noTarget: "pas de cible cette année"
        case .notApplicable: "sans objet"
        }
    }
}

/// One establishment's result on one regional indicator for one year.
public struct RegionalTargetResult: Sendable, Equatable {
    public let subject: String
    public let indicatorCode: String
    public let indicatorLabel: String
    public let year: Int
    public let value: FormulaValue?
    public let target: FormulaValue?
    public let direction: TargetDirection
    /// The extra condition's outcome (IDF "> 50 séjours"); nil when there is none or it failed to compute.
    public let conditionMet: Bool?
    public let status: RegionalTargetStatus
    /// The indicator's envelope group (D24), counted once with the other members.
    public let envelopeGroup: String?
    public let explanation: Explanation
    /// `HDF-BIO-TRA 2023 : 91,5 % ≥ 92 % = non atteint`.
    public let trace: String
}

/// One establishment's result on an envelope group: its members counted as one regional indicator
/// (D24). Achieved when every member that applies is achieved and at least one applies; a member
/// that does not apply (a molecule not used) or has no target that year is left out.
public struct RegionalGroupResult: Sendable, Equatable {
    public let subject: String
    /// The group's code (`HDF-BIO`) and French label.
    public let code: String
    public let label: String
    public let year: Int
    /// Member indicator codes, in catalogue order.
    public let members: [String]
    public let status: RegionalTargetStatus
    public let explanation: Explanation
    /// `HDF-BIO 2023 : HDF-BIO-TRA atteint ; HDF-BIO-RIT sans objet → atteint`.
    public let trace: String
}
