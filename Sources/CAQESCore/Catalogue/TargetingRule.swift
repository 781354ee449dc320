/// How establishments are targeted on an indicator: criteria combined with "all of" / "any of".
///
/// Missing data makes a criterion "non évaluable"; combinations use three-valued logic: `all_of`
/// is false as soon as one criterion is false, `any_of` true as soon as one is true, and
/// otherwise non évaluable when one member is.
public indirect enum TargetingRule: Sendable {
    case allOf([TargetingRule])
    case anyOf([TargetingRule])
    case criterion(TargetingCriterion)

    /// Every criterion, depth first, in file order.
    public var criteria: [TargetingCriterion] {
        switch self {
        case .allOf(let rules), .anyOf(let rules): rules.flatMap(\.criteria)
        case .criterion(let criterion): [criterion]
        }
    }
}

/// One targeting criterion: `value comparison threshold`, each side a formula.
///
/// The threshold may be a constant (`40%`), a population statistic (`q3(hf_readmission_rate)`)
/// or a category statistic; results show both sides with their explanation.
public final class TargetingCriterion: Sendable {
    public let label: String
    public let value: CompiledFormula
    public let comparison: Comparison
    public let threshold: CompiledFormula

    public init(label: String, value: CompiledFormula, comparison: Comparison, threshold: CompiledFormula) {
        self.label = label
        self.value = value
        self.comparison = comparison
        self.threshold = threshold
    }
}
