import Foundation

/// Memoises population statistics (sorted values for quartiles, sums for pooled ratios) so that
/// `q1(m)` over one population and year is computed once for all its members.
///
/// Share ONE instance among the members of one population (one targeting or evaluation run):
/// entries are keyed by formula node, category, year and reference year, not by population.
/// Thread-safe.
public final class PopulationStatisticsCache: @unchecked Sendable {
    private let lock = NSLock()

    public init() {}
}
