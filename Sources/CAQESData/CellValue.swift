import Foundation

/// A numeric cell of a French statistics file: a number, a masked value with its reason, or nothing.
///
/// Masked values are never zero: `.c` (secret statistique) hides a small count, and treating it as
/// 0 would bias every rate computed from it.
public enum CellValue: Sendable, Equatable, Hashable {
    case number(Decimal)
    /// A value the producer withheld, with the reason in French (« secret statistique »).
    case masked(reason: String)
    case empty

    /// The number, nil when masked or empty.
    public var number: Decimal? {
        if case .number(let value) = self { return value }
        return nil
    }
}
