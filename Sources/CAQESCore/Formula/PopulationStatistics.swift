import Foundation

/// Order statistics over a population (D6).
public enum PopulationStatistics {
    /// The `p`-quantile (0 ≤ p ≤ 1) of ascending `sorted` values, interpolating linearly between
    /// order statistics: Excel's QUARTILE.INC / PERCENTILE.INC, R type 7.
    /// `[1, 2, 3, 4]` → Q1 1.75, median 2.5, Q3 3.25. Nil for an empty list.
    public static func quantile(_ sorted: [Decimal], _ p: Decimal) -> Decimal? {
        var exact = true
        return quantile(sorted, p, exact: &exact)
    }

    /// `quantile`, clearing `exact` when the interpolation was rounded.
    static func quantile(_ sorted: [Decimal], _ p: Decimal, exact: inout Bool) -> Decimal? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let h = FastDecimal.multiply(Decimal(sorted.count - 1), p, exact: &exact)
        var floorH = Decimal()
        var hh = h
        NSDecimalRound(&floorH, &hh, 0, .down)
        let lower = NSDecimalNumber(decimal: floorH).intValue
        guard lower + 1 < sorted.count else { return sorted[sorted.count - 1] }
        guard lower >= 0 else { return first }
        let fraction = FastDecimal.subtract(h, floorH)
        guard fraction != 0 else { return sorted[lower] }
        let step = FastDecimal.multiply(fraction, FastDecimal.subtract(sorted[lower + 1], sorted[lower], exact: &exact), exact: &exact)
        return FastDecimal.add(sorted[lower], step, exact: &exact)
    }
}
