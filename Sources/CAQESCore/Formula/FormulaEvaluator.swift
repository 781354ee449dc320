/// Evaluates compiled formulas for one establishment.
///
/// Population statistics (`q1`, `median`, `pooled_ratio`…) are memoised in the
/// `PopulationStatisticsCache` passed here or exposed by the context; without one they are
/// recomputed for every establishment (correct, but quadratic over a population).
public enum FormulaEvaluator {
    /// Evaluates `formula` for `context.subject`, with its explanation tree.
    ///
    /// Throws `.missingValues` listing ALL missing inputs (missing is never zero),
    /// `.divisionByZero` naming the establishment unless the division is a `safe_div`.
    public static func evaluate(
        _ formula: CompiledFormula, in context: some FormulaContext
    ) throws(FormulaError) -> Evaluation {
        try evaluate(formula, in: context, cache: nil)
    }

    /// `evaluate(_:in:)` with an explicit statistics cache shared across the population.
    public static func evaluate(
        _ formula: CompiledFormula, in context: some FormulaContext, cache: PopulationStatisticsCache?
    ) throws(FormulaError) -> Evaluation {
        let (value, explanation, _) = try run(formula, context, explain: true, cache: cache)
        return Evaluation(value: value, explanation: explanation!)
    }

    /// Evaluates `formula` without building the explanation: the fast path for bulk runs.
    public static func value(
        of formula: CompiledFormula, in context: some FormulaContext, cache: PopulationStatisticsCache? = nil
    ) throws(FormulaError) -> FormulaValue {
        try run(formula, context, explain: false, cache: cache).0
    }

    /// `value(of:in:cache:)` with Foundation's 38-digit products and quotients instead of the
    /// 64-bit fast path (about 1 µs an operation): for settling a rounding tie (`DecimalRounding`)
    /// or a comparison (`ExactComparison`). A population statistic whose fast sample holds a
    /// rounded value is computed again over 38-digit member values, once per population (cached
    /// apart from the fast one).
    public static func preciseValue(
        of formula: CompiledFormula, in context: some FormulaContext, cache: PopulationStatisticsCache? = nil
    ) throws(FormulaError) -> FormulaValue {
        try run(formula, context, explain: false, cache: cache, precise: true).0
    }

    /// The value (with its explanation when `explain`) and whether it is exact (no rounded
    /// quotient or product on the way): a comparison of exact values needs no settling (D27).
    static func evaluateReportingExactness(
        _ formula: CompiledFormula, in context: some FormulaContext, explain: Bool
    ) throws(FormulaError) -> (value: FormulaValue, explanation: Explanation?, exact: Bool) {
        try run(formula, context, explain: explain, cache: nil)
    }

    private static func run(
        _ formula: CompiledFormula, _ context: some FormulaContext, explain: Bool, cache: PopulationStatisticsCache?,
        precise: Bool = false
    ) throws(FormulaError) -> (FormulaValue, Explanation?, exact: Bool) {
        var interpreter = FormulaInterpreter(explain: explain, cache: cache ?? context.statisticsCache, precise: precise)
        let outcome = try interpreter.eval(formula.root, context, year: context.year)
        guard interpreter.missing.isEmpty, let value = outcome.value else {
            throw .missingValues(subject: context.subject, interpreter.missing.sorted())
        }
        return (value, outcome.explanation, !interpreter.inexact)
    }
}
