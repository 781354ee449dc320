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
