import Foundation

/// The static type of a formula or of a declared measure.
public enum FormulaType: String, Sendable, Codable {
    case number, boolean, grade
}

/// A value a formula reads or produces.
///
/// Grades are the regional conciliation grades `A`…`D`, ordinal with `A` best (D11): comparing
/// `grade >= target` is true when the grade is at least as good as the target.
public enum FormulaValue: Sendable, Equatable {
    case number(Decimal)
    case boolean(Bool)
    case grade(Character /* "A"..."D" */)

    /// The type of this value.
    public var type: FormulaType {
        switch self {
        case .number: .number
        case .boolean: .boolean
        case .grade: .grade
        }
    }
}

extension FormulaValue {
    /// The value as French users read it: `1 234,56`, `30 %` (with `asPercent`), `vrai`, `B`.
    /// Numbers show every digit they have; use `round` in the formula to shorten them.
    public func frenchText(asPercent: Bool = false) -> String {
        FrenchNumberFormat.render(self, percent: asPercent)
    }
}
