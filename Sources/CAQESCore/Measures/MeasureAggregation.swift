/// How an EJ's value of a measure is made from its sites' values when the source gives them per
/// site (D16): counts and amounts add up; rates and grades do not.
///
/// A catalogue writes it on a measure as `aggregate: sum` or `aggregate: none`. Without it, a
/// number adds up unless its unit is `%`; a grade or a boolean never does. A rate is recomputed
/// from summed numerators and denominators by the indicator's formula, never averaged.
public enum MeasureAggregation: String, Sendable, Hashable, CaseIterable {
    /// Counts and amounts: the EJ's value is the sum of its sites' values.
    case sum = "sum"
    /// Rates, grades, flags: an EJ keeps the value given at its own level, or has none.
    case noRollUp = "none"

    /// The default for a measure declared without `aggregate`.
    public static func defaultFor(type: FormulaType, unit: String?) -> MeasureAggregation {
        guard type == .number else { return .noRollUp }
        return unit?.trimmingCharacters(in: .whitespaces) == "%" ? .noRollUp : .sum
    }
}
