/// Data for one establishment, plus its population (for quartiles and pooled ratios).
public protocol FormulaContext: Sendable {
    /// Establishment id shown in errors, e.g. its FINESS.
    var subject: String { get }
    /// The evaluated year `N`.
    var year: Int { get }
    /// The catalogue's reference year `REF`, nil if it has none.
    var referenceYear: Int? { get }
    /// The establishment's category, for `by: category`.
    var category: String? { get }
    /// The value of a measure for a calendar year; nil when missing (never read as zero).
    func value(of measure: String, year: Int) -> MeasureValue?
    /// The members of the population (self included) with the same year and reference year;
    /// `category` non-nil keeps only that category (`by: category`).
    func population(category: String?) -> [any FormulaContext]
    /// A cache shared by every member of one population, so that `q1(m)` over a population and
    /// year is computed once, not once per member. Defaults to nil (no caching: correct, but
    /// quadratic over a population).
    var statisticsCache: PopulationStatisticsCache? { get }
}

extension FormulaContext {
    public var statisticsCache: PopulationStatisticsCache? { nil }
}

/// A measure value with where it came from (file and row, claims extract…), shown in explanations.
public struct MeasureValue: Sendable, Equatable {
    public var value: FormulaValue
    public var source: String?

    public init(_ value: FormulaValue, source: String? = nil) {
        self.value = value
        self.source = source
    }
}
