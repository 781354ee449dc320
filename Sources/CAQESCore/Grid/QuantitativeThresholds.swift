import Foundation

/// The thresholds turning a quantitative criterion's rate (in %) into R, PR or NR.
///
/// Lower bounds are inclusive (D13) unless the source writes « > »: D1 reads « > » as written, so
/// a strict bound stays strict. Criterion 55 of the Normandie proposal (S3) reads « R > 50 % »,
/// « PR 26–49 % », « NR < 25 % »: R strictly above 50 %, PR from 25 % (inclusive), NR below. With
/// these bounds exactly 50 % is PR and exactly 25 % is PR, which closes the seed's gaps (OP-12).
public struct QuantitativeThresholds: Hashable, Sendable, Codable {
    /// The rate from which (or above which, when `realisedStrictly`) the criterion is R.
    public let realisedFrom: Decimal
    /// True when R needs a rate strictly above `realisedFrom` (« réalisé si > 50 % »).
    public let realisedStrictly: Bool
    /// The rate from which the criterion is PR (inclusive).
    public let partialFrom: Decimal

    /// R from `realisedFrom` inclusive; requires 0 ≤ `partialFrom` ≤ `realisedFrom` ≤ 100.
    public init(realisedFrom: Decimal, partialFrom: Decimal) throws(GridError) {
        try self.init(realisedFrom: realisedFrom, strictly: false, partialFrom: partialFrom)
    }

    /// R strictly above `realisedAbove`; requires 0 ≤ `partialFrom` ≤ `realisedAbove` < 100.
    public init(realisedAbove: Decimal, partialFrom: Decimal) throws(GridError) {
        try self.init(realisedFrom: realisedAbove, strictly: true, partialFrom: partialFrom)
    }

    private init(realisedFrom: Decimal, strictly: Bool, partialFrom: Decimal) throws(GridError) {
        // A strict bound at 100 % could never be reached.
        guard partialFrom >= 0, strictly ? realisedFrom < 100 : realisedFrom <= 100, partialFrom <= realisedFrom else {
            throw .invalidThresholds(realisedFrom: realisedFrom, partialFrom: partialFrom)
        }
        self.realisedFrom = realisedFrom
        self.realisedStrictly = strictly
        self.partialFrom = partialFrom
    }

    /// The status a rate earns. Rates are entered values (not quotients), so `Decimal` compares
    /// them exactly.
    public func status(for rate: Decimal) -> CriterionStatus {
        if realisedStrictly ? rate > realisedFrom : rate >= realisedFrom { return .realised }
        if rate >= partialFrom { return .partiallyRealised }
        return .notRealised
    }

    /// « R si > 50 %, PR si ≥ 25 %, NR en dessous ».
    public var description: String {
        "R si \(realisedStrictly ? ">" : "≥") \(GridDecimal.french(realisedFrom)) %, PR si ≥ \(GridDecimal.french(partialFrom)) %, NR en dessous"
    }
}
