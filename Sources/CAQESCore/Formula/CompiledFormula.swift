/// A formula parsed and type-checked against its scope: immutable, evaluated many times.
public struct CompiledFormula: Sendable {
    /// The formula as written in the catalogue.
    public let text: String
    /// Where the formula text starts in its catalogue file.
    public let location: SourceLocation
    /// The type of the formula's value.
    public let resultType: FormulaType
    let root: FormulaNode
    let measures: Set<MeasureRef>

    init(text: String, location: SourceLocation, root: FormulaNode) {
        self.text = text
        self.location = location
        self.resultType = root.type
        self.root = root
        self.measures = root.referencedMeasures(shift: nil)
    }

    /// Every measure and relative year the formula reads, through named sub-formulas and
    /// population statistics included: "which data does this need".
    public var referencedMeasures: Set<MeasureRef> { measures }
}
