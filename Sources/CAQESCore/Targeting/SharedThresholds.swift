import Foundation

/// Thresholds that are the same for every establishment of a category (constants, quartiles,
/// category averages), computed once per run instead of once per establishment.
struct SharedThresholds: Sendable {
    private var values: [ObjectIdentifier: [String?: (value: FormulaValue, exact: Bool)]] = [:]
    /// 38-digit thresholds, computed on the first near tie of their category (D27).
    private let precise = PreciseThresholds()

    /// Evaluates each population-level threshold once per category, with a member of that category.
    init(_ indicators: [IndicatorDefinition], members: [MeasureContext]) {
        var representatives: [String?: MeasureContext] = [:]
        for member in members where representatives[member.category] == nil {
            representatives[member.category] = member
        }
        for indicator in indicators {
            for criterion in indicator.targeting?.criteria ?? [] where criterion.threshold.root.isPopulationLevel {
                var byCategory: [String?: (value: FormulaValue, exact: Bool)] = [:]
                for (category, member) in representatives {
                    // A failure (empty population…) is left to each establishment's own evaluation.
                    if let found = try? FormulaEvaluator.evaluateReportingExactness(criterion.threshold, in: member, explain: false) {
                        byCategory[category] = (found.value, found.exact)
                    }
                }
                values[ObjectIdentifier(criterion)] = byCategory
            }
        }
    }

    func threshold(_ criterion: TargetingCriterion, category: String?) -> (value: FormulaValue, exact: Bool)? {
        values[ObjectIdentifier(criterion)]?[category] ?? nil
    }

    /// The threshold on 38 digits for the members of `context`'s category, once per category:
    /// ties with a quartile shared by many establishments would otherwise evaluate it each time.
    func preciseThreshold(_ criterion: TargetingCriterion, in context: MeasureContext) -> Decimal? {
        precise.value(criterion, category: context.category) {
            guard case .number(let value)? = try? FormulaEvaluator.preciseValue(of: criterion.threshold, in: context) else { return nil }
            return value
        }
    }
}

/// A memo of 38-digit thresholds by criterion and category.
private final class PreciseThresholds: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [ObjectIdentifier: [String?: Decimal?]] = [:]

    func value(_ criterion: TargetingCriterion, category: String?, compute: () -> Decimal?) -> Decimal? {
        if let known = (lock.withLock { values[ObjectIdentifier(criterion)]?[category] }) { return known }
        let value = compute()
        lock.withLock { values[ObjectIdentifier(criterion), default: [:]][category] = .some(value) }
        return value
    }
}

extension FormulaNode {
    /// True when the value does not depend on the establishment's own measures: literals,
    /// parameters, and population statistics (whose arguments are read over the population).
    /// `by: category` statistics depend on the category only, hence the per-category cache.
    var isPopulationLevel: Bool {
        switch kind {
        case .literal, .parameter: true
        case .measure: false
        case .formula(_, let compiled, _): compiled.root.isPopulationLevel
        case .negate(let a), .not(let a): a.isPopulationLevel
        case .binary(_, let a, let b): a.isPopulationLevel && b.isPopulationLevel
        case .call(let function, let arguments, _):
            function.isPopulationStatistic || arguments.allSatisfy(\.isPopulationLevel)
        }
    }
}
