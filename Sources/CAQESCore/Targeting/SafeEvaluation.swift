/// A formula evaluated for one establishment, with a failure turned into data: the missing
/// measures and other reasons, and an explanation node that says so.
public struct SafeEvaluation: Sendable {
    public let value: FormulaValue?
    /// The explanation tree; a bare node with the formula text when evaluated without explaining.
    public let explanation: Explanation
    public let missing: [MissingValue]
    public let reasons: [String]
    /// The value is exact (no rounded quotient or product): compared as it is, with no settling.
    let exact: Bool

    /// Evaluates `formula`; `explain: false` takes the evaluator's fast path (no explanation tree).
    public init(_ formula: CompiledFormula, in context: some FormulaContext, explain: Bool = true) {
        do {
            let evaluation = try FormulaEvaluator.evaluateReportingExactness(formula, in: context, explain: explain)
            value = evaluation.value
            explanation = evaluation.explanation ?? Self.unexplained
            exact = evaluation.exact
            missing = []
            reasons = []
        } catch {
            value = nil
            exact = false
            if case .missingValues(_, let values) = error {
                missing = values
                reasons = []
                explanation = Explanation(label: formula.text,
                                          value: "donnée manquante : " + values.map(\.description).joined(separator: ", "))
            } else {
                missing = []
                reasons = [error.description]
                explanation = Explanation(label: formula.text, value: "non calculable : \(error.description)")
            }
        }
    }

    /// The explanation of a fast-path evaluation: empty, the tree being built on demand.
    static let unexplained = Explanation(label: "", value: "")

    /// A value already computed (a threshold shared by the whole population).
    init(known value: FormulaValue, exact: Bool, formula: CompiledFormula) {
        self.value = value
        self.exact = exact
        explanation = Self.unexplained
        missing = []
        reasons = []
    }
}
