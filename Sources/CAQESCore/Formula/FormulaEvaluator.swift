/// Evaluates compiled formulas for one establishment.
public enum FormulaEvaluator {
    /// Evaluates `formula` for `context.subject`, with its explanation tree.
    ///
    /// Throws `.missingValues` listing ALL missing inputs (missing is never zero),
    /// `.divisionByZero` naming the establishment unless the division is a `safe_div`.
    public static func evaluate(
        _ formula: CompiledFormula, in context: some FormulaContext
    ) throws(FormulaError) -> Evaluation {
        fatalError("not yet")
    }

    /// Evaluates `formula` without building the explanation: the fast path for bulk runs.
    public static func value(
        of formula: CompiledFormula, in context: some FormulaContext
    ) throws(FormulaError) -> FormulaValue {
        fatalError("not yet")
    }
}
