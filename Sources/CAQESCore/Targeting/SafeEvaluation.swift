/// A formula evaluated for one establishment, with a failure turned into data: the missing
/// measures and other reasons, and an explanation node that says so.
public struct SafeEvaluation: Sendable {
    public let value: FormulaValue?
    /// The explanation tree; a bare node with the formula text when evaluated without explaining.
    public let explanation: Explanation
    public let missing: [MissingValue]
    public let reasons: [String]

    /// Evaluates `formula`; `explain: false` takes the evaluator's fast path (no explanation tree).
    public init(_ formula: CompiledFormula, in context: some FormulaContext, explain: Bool = true) {
        do {
            if explain {
                let evaluation = try FormulaEvaluator.evaluate(formula, in: context)
                value = evaluation.value
                explanation = evaluation.explanation
            } else {
                let result = try FormulaEvaluator.value(of: formula, in: context)
                value = result
                explanation = Self.unexplained
            }
            missing = []
            reasons = []
        } catch {
            value = nil
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
    init(known value: FormulaValue, formula: CompiledFormula) {
        self.value = value
        explanation = Self.unexplained
        missing = []
        reasons = []
    }
}
