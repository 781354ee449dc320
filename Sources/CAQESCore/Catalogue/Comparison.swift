import Foundation

/// A comparison between two values of the same type.
///
/// Grades are ordinal with `A` best (D11): `>=` reads "at least as good as".
public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case equal = "="

    /// As shown to users: `≥`, `≤`…
    public var symbol: String {
        switch self {
        case .greater: ">"
        case .greaterOrEqual: "≥"
        case .less: "<"
        case .lessOrEqual: "≤"
        case .equal: "="
        }
    }

    /// Whether `lhs comparison rhs` holds, the values compared as they are; nil when they cannot be
    /// compared. Values computed by formulas go through `holds(_:_:settling:)` (D27).
    public func holds(_ lhs: FormulaValue, _ rhs: FormulaValue) -> Bool? {
        let order: Int
        switch (lhs, rhs) {
        case let (.number(a), .number(b)):
            // The formula module's 64-bit comparison: Foundation's Decimal `<` is slow in bulk runs.
            order = switch FastDecimal.compare(a, b) {
            case .orderedAscending: -1
            case .orderedDescending: 1
            case .orderedSame: 0
            }
        case let (.grade(a), .grade(b)):
            // "A" is the best grade: a smaller letter compares greater.
            order = a == b ? 0 : (a < b ? 1 : -1)
        case let (.boolean(a), .boolean(b)):
            guard self == .equal else { return nil }
            return a == b
        default:
            return nil
        }
        switch self {
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .equal: return order == 0
        }
    }

    /// Whether values of `type` can be compared this way.
    public func accepts(_ type: FormulaType) -> Bool {
        type != .boolean || self == .equal
    }
}
