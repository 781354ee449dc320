import Foundation

/// A type-checked node of a compiled formula. A class so population statistics can be cached by
/// node identity; immutable, hence Sendable.
final class FormulaNode: Sendable {
    enum Kind: Sendable {
        case literal(FormulaValue, percent: Bool)
        case measure(MeasureRef)
        case parameter(String, FormulaValue, percent: Bool)
        /// A named sub-formula, optionally shifted to another year (`ratio[N-1]`).
        case formula(String, CompiledFormula, YearRef?)
        case negate(FormulaNode)
        case not(FormulaNode)
        case binary(BinaryOperator, FormulaNode, FormulaNode)
        case call(FormulaFunction, [FormulaNode], byCategory: Bool)
    }

    let kind: Kind
    let type: FormulaType
    /// The node's source text, for explanations.
    let text: String
    let location: SourceLocation
    let parenthesized: Bool

    init(_ kind: Kind, type: FormulaType, text: String, location: SourceLocation, parenthesized: Bool = false) {
        self.kind = kind
        self.type = type
        self.text = text
        self.location = location
        self.parenthesized = parenthesized
    }

    /// The node whose value a population statistic reads: a bare named formula reads as its own
    /// root, so that `q2(rate)` and `q3(rate)` share one sample.
    var statisticSubject: FormulaNode {
        if case .formula(_, let compiled, nil) = kind { return compiled.root }
        return self
    }

    /// The measures read, with years composed through shifted sub-formulas.
    func referencedMeasures(shift: YearRef?) -> Set<MeasureRef> {
        switch kind {
        case .literal, .parameter:
            return []
        case .measure(let ref):
            return [MeasureRef(code: ref.code, yearOffset: ref.yearOffset.shifted(by: shift))]
        case .formula(_, let compiled, let year):
            let inner = year.map { $0.shifted(by: shift) } ?? shift
            return compiled.root.referencedMeasures(shift: inner)
        case .negate(let a), .not(let a):
            return a.referencedMeasures(shift: shift)
        case .binary(_, let a, let b):
            return a.referencedMeasures(shift: shift).union(b.referencedMeasures(shift: shift))
        case .call(_, let args, _):
            return args.reduce(into: []) { $0.formUnion($1.referencedMeasures(shift: shift)) }
        }
    }
}

extension YearRef {
    /// This year read inside a sub-formula evaluated at `shift` (`N` inside `ratio[N-1]` is `N-1`).
    func shifted(by shift: YearRef?) -> YearRef {
        guard let shift, case .n(let offset) = self else { return self }
        switch shift {
        case .n(let s): return .n(offset: s + offset)
        case .ref(let s): return .ref(offset: s + offset)
        }
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or

    /// How the operator reads in French explanations.
    var symbol: String {
        switch self {
        case .add: "+"
        case .subtract: "−"
        case .multiply: "×"
        case .divide: "/"
        case .equal: "="
        case .notEqual: "≠"
        case .less: "<"
        case .lessOrEqual: "≤"
        case .greater: ">"
        case .greaterOrEqual: "≥"
        case .and: "et"
        case .or: "ou"
        }
    }

    /// `= != < <= > >=`: settled exactly between numbers (D27).
    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }

    /// Whether an order of the operands satisfies this comparison operator.
    func accepts(_ order: ComparisonResult) -> Bool {
        switch self {
        case .equal: order == .orderedSame
        case .notEqual: order != .orderedSame
        case .less: order == .orderedAscending
        case .lessOrEqual: order != .orderedDescending
        case .greater: order == .orderedDescending
        case .greaterOrEqual: order != .orderedAscending
        default: false
        }
    }
}

enum FormulaFunction: String, Sendable, CaseIterable {
    case max, min, abs, round
    case `if`
    case safeDiv = "safe_div"
    case q1, q2, q3, median, percentile
    case pooledRatio = "pooled_ratio"
    case sumOf = "sum_of"
    case isKnown = "is_known"

    /// Statistics over the indicator's population, which accept `by: category`.
    var isPopulationStatistic: Bool {
        switch self {
        case .q1, .q2, .q3, .median, .percentile, .pooledRatio: true
        default: false
        }
    }
}
