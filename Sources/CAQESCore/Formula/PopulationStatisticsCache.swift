import Foundation

/// Memoises population statistics (sorted values for quartiles, sums for pooled ratios) so that
/// `q1(m)` over one population and year is computed once for all its members.
///
/// Share ONE instance among the members of one population (one targeting or evaluation run),
/// through `FormulaContext.statisticsCache` or `FormulaEvaluator.evaluate(_:in:cache:)`: entries
/// are keyed by formula node, category, year and reference year, not by population, so a cache
/// reused for another population (or after the data changed) would answer stale values.
/// Thread-safe; two threads missing the same entry may both compute it (same result).
public final class PopulationStatisticsCache: @unchecked Sendable {
    struct Key: Hashable {
        let node: FormulaNode
        let category: String?
        let year: Int
        let referenceYear: Int?
        /// 38-digit member values (settling a tie, `ExactComparison`) are kept apart from fast ones.
        var precise = false

        static func == (a: Key, b: Key) -> Bool {
            a.node === b.node && a.category == b.category && a.year == b.year && a.referenceYear == b.referenceYear
                && a.precise == b.precise
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(ObjectIdentifier(node))
            hasher.combine(category)
            hasher.combine(year)
            hasher.combine(referenceYear)
            hasher.combine(precise)
        }
    }

    /// The values of one expression over a population, ascending.
    struct Sample: Sendable {
        let sorted: [Decimal]
        /// Every value is exact (no rounded quotient or product): the 38-digit sample is the same.
        var exact = false
    }

    /// Σ numerator and Σ denominator over members with both values.
    struct PooledSums: Sendable {
        let numerator: Decimal
        let denominator: Decimal
        let count: Int
        /// Both sums are exact: the 38-digit sums are the same.
        var exact = false
    }

    private let lock = NSLock()
    private var samples: [Key: Sample] = [:]
    private var sums: [Key: PooledSums] = [:]

    public init() {}

    /// How many statistics are held, for tests and diagnostics.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return samples.count + sums.count
    }

    func sample(_ key: Key, compute: () throws(FormulaError) -> Sample) throws(FormulaError) -> Sample {
        if let hit = (lock.withLock { samples[key] }) { return hit }
        let value = try compute()
        lock.withLock { samples[key] = value }
        return value
    }

    func pooled(_ key: Key, compute: () throws(FormulaError) -> PooledSums) throws(FormulaError) -> PooledSums {
        if let hit = (lock.withLock { sums[key] }) { return hit }
        let value = try compute()
        lock.withLock { sums[key] = value }
        return value
    }
}
