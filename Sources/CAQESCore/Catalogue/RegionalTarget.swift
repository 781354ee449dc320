/// Which side of a regional target counts as met (D11).
public enum TargetDirection: String, Sendable, Hashable, Codable {
    /// A floor (biosimilars, compliant prescriptions, grades): met at value ≥ target.
    case atLeast = "at_least"
    /// A ceiling (subcutaneous share): met at value ≤ target.
    case atMost = "at_most"

    var comparison: Comparison { self == .atLeast ? .greaterOrEqual : .lessOrEqual }

    /// French wording: `au moins`, `au plus`.
    public var label: String { self == .atLeast ? "au moins" : "au plus" }
}

/// A regional indicator's yearly targets: the indicator's value is compared with the target of
/// the evaluated year; an optional extra condition must hold too (IDF: "> 50 séjours"); an optional
/// `appliesWhen` says when the indicator concerns the establishment at all.
public struct RegionalTarget: Sendable {
    public let direction: TargetDirection
    /// Calendar year -> target value (number, or grade `A`…`D`).
    public let targets: [Int: FormulaValue]
    /// A boolean formula that must also be true for the target to be met.
    public let condition: TargetCondition?
    /// When false, the indicator does not apply to the establishment that year (HDF biosimilars:
    /// a molecule it does not use, D24); nil when it always applies.
    public let appliesWhen: TargetCondition?

    public init(direction: TargetDirection, targets: [Int: FormulaValue], condition: TargetCondition?,
                appliesWhen: TargetCondition? = nil) {
        self.direction = direction
        self.targets = targets
        self.condition = condition
        self.appliesWhen = appliesWhen
    }
}

/// An extra requirement of a regional target, with its French label.
public struct TargetCondition: Sendable {
    public let label: String
    public let formula: CompiledFormula

    public init(label: String, formula: CompiledFormula) {
        self.label = label
        self.formula = formula
    }
}
