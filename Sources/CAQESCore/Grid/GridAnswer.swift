import Foundation

/// An establishment's answer to one criterion.
public enum GridAnswer: Hashable, Sendable, Codable {
    /// R, PR, NR or NC for a qualitative criterion; only NC for a quantitative one.
    case status(CriterionStatus)
    /// The rate, in % (45 for 45 %), of a quantitative criterion.
    case rate(Decimal)
}
