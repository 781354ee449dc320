/// A measure a catalogue declares: the only data its formulas may read.
public struct MeasureDefinition: Sendable, Hashable {
    /// Code used in formulas and imports, e.g. `phev_ipp_amount`.
    public let code: String
    public let type: FormulaType
    /// French label shown in pages and documents.
    public let label: String
    /// Unit shown after values (`€`, `UCD`, `séjours`), if any.
    public let unit: String?
    /// Where the data comes from (PHEV, PMSI, audit…).
    public let source: String?
    /// Whether an EJ's value is the sum of its sites' values (D16); `aggregate:` in the file.
    public let aggregate: MeasureAggregation

    /// `aggregate` nil takes the default for the type and unit (`MeasureAggregation.defaultFor`).
    public init(code: String, type: FormulaType, label: String, unit: String? = nil, source: String? = nil,
                aggregate: MeasureAggregation? = nil) {
        self.code = code
        self.type = type
        self.label = label
        self.unit = unit
        self.source = source
        self.aggregate = aggregate ?? .defaultFor(type: type, unit: unit)
    }
}
