/// The result of evaluating a formula for one establishment: its value and why.
public struct Evaluation: Sendable {
    public let value: FormulaValue
    public let explanation: Explanation

    public init(value: FormulaValue, explanation: Explanation) {
        self.value = value
        self.explanation = explanation
    }
}
