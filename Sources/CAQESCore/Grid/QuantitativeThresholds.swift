import Foundation

/// The thresholds turning a quantitative criterion's rate (in %) into R, PR or NR.
///
/// Lower bounds are inclusive (D13): rate ≥ `realisedFrom` → R; ≥ `partialFrom` → PR; else NR.
/// This closes the gaps the S3 proposal for criterion 55 leaves (R « > 50 % », PR « 26–49 % »,
/// NR « < 25 % »): with bounds 50 and 25, exactly 50 % is R and exactly 25 % is PR (OP-12).
public struct QuantitativeThresholds: Hashable, Sendable, Codable {
    public let realisedFrom: Decimal
    public let partialFrom: Decimal

    /// Requires 0 ≤ `partialFrom` ≤ `realisedFrom` ≤ 100.
    public init(realisedFrom: Decimal, partialFrom: Decimal) throws(GridError) {
        guard partialFrom >= 0, realisedFrom <= 100, partialFrom <= realisedFrom else {
            throw .invalidThresholds(realisedFrom: realisedFrom, partialFrom: partialFrom)
        }
        self.realisedFrom = realisedFrom
        self.partialFrom = partialFrom
    }

    /// The status a rate earns.
    public func status(for rate: Decimal) -> CriterionStatus {
        if rate >= realisedFrom { return .realised }
        if rate >= partialFrom { return .partiallyRealised }
        return .notRealised
    }

    /// « R si ≥ 50 %, PR si ≥ 25 %, NR en dessous ».
    public var description: String {
        "R si ≥ \(GridDecimal.french(realisedFrom)) %, PR si ≥ \(GridDecimal.french(partialFrom)) %, NR en dessous"
    }
}
