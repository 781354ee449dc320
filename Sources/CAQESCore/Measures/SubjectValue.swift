import Foundation

/// One value as a source gives it: for the FINESS it names (a site or a legal entity), before it
/// is attributed to a contract holder by `HolderMeasures`.
public struct SubjectValue: Sendable, Equatable {
    /// The FINESS the source names (ET or EJ).
    public let subject: String
    public let measure: String
    public let year: Int
    /// Nil when the source masks it (statistical secrecy): it exists, is unknown, and is never
    /// read as zero.
    public let value: FormulaValue?
    /// Where it comes from (file and line, import), shown in explanations.
    public let source: String?

    public init(subject: String, measure: String, year: Int, value: FormulaValue?, source: String? = nil) {
        self.subject = subject
        self.measure = measure
        self.year = year
        self.value = value
        self.source = source
    }

    /// A number, the common case.
    public init(_ subject: String, _ measure: String, _ year: Int, _ number: Decimal, source: String? = nil) {
        self.init(subject: subject, measure: measure, year: year, value: .number(number), source: source)
    }
}
