/// Whether a regional indicator's target is met for one year.
public enum RegionalTargetStatus: Sendable, Equatable {
    case achieved
    case notAchieved
    case notEvaluable(missing: [MissingValue], reasons: [String])
    /// The catalogue sets no target for this year.
    case noTarget

    /// `atteint`, `non atteint`, `non évaluable`, `pas de cible`.
    public var label: String {
        switch self {
        case .achieved: "atteint"
        case .notAchieved: "non atteint"
        case .notEvaluable: "non évaluable"
        case .noTarget: "pas de cible cette année"
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
    public let explanation: Explanation
    /// `HDF-BIO-TRA 2023 : 91,5 % ≥ 92 % = non atteint`.
    public let trace: String
}
