/// What a formula may reference, declared by its catalogue.
///
/// Names are checked at compile time: a formula that reads an undeclared measure, parameter or
/// sub-formula is rejected when the catalogue loads, never at evaluation time.
public struct FormulaScope: Sendable {
    /// Measure code -> type of its values.
    public var measures: [String: FormulaType]
    /// Named constants: thresholds, caps, rates.
    public var parameters: [String: FormulaValue]
    /// Named sub-formulas already compiled (e.g. "ratio"); usable bare (`ratio`) or shifted to
    /// another year (`ratio[N-1]`, `ratio[REF]`).
    public var formulas: [String: CompiledFormula]
    /// Parameters shown as percentages in explanations (`30 %` rather than `0,3`).
    public var percentParameters: Set<String>

    public init(
        measures: [String: FormulaType] = [:],
        parameters: [String: FormulaValue] = [:],
        formulas: [String: CompiledFormula] = [:],
        percentParameters: Set<String> = []
    ) {
        self.measures = measures
        self.parameters = parameters
        self.formulas = formulas
        self.percentParameters = percentParameters
    }
}
