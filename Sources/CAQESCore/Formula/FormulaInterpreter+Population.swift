import Foundation

extension FormulaInterpreter {
    /// The value of `node` for another member of the population and whether it is exact, nil when
    /// it has none: a member with a missing input or a zero divisor is left out of the statistic
    /// (D6: over the members that have a value), rather than failing the whole population. With
    /// `precise` the member is read with 38 digits, so that a settled comparison with a quartile
    /// compares like with like.
    func memberValue(_ node: FormulaNode, _ member: any FormulaContext, year: Int,
                     precise: Bool) throws(FormulaError) -> (value: Decimal, exact: Bool)? {
        var probe = FormulaInterpreter(explain: false, cache: cache, precise: precise)
        do {
            let outcome = try probe.eval(node, member, year: year)
            guard probe.missing.isEmpty, case .number(let value)? = outcome.value else { return nil }
            return (value, !probe.inexact)
        } catch {
            if case .divisionByZero = error { return nil }
            throw error
        }
    }

    /// The ascending values of `argument` over the population (or category), cached when
    /// possible. On 38 digits, a sample whose fast values are all exact is the same and is shared.
    func sample(
        of argument: FormulaNode, category: String?, _ context: any FormulaContext, year: Int
    ) throws(FormulaError) -> PopulationStatisticsCache.Sample {
        let node = argument.statisticSubject
        let members = { context.population(category: category) }
        let fast = { () throws(FormulaError) -> PopulationStatisticsCache.Sample in
            var values: [Decimal] = []
            var exact = true
            for member in members() {
                guard let found = try memberValue(node, member, year: year, precise: false) else { continue }
                values.append(found.value)
                exact = exact && found.exact
            }
            values.sort(by: FastDecimal.less)
            return PopulationStatisticsCache.Sample(sorted: values, exact: exact)
        }
        let key = { (precise: Bool) in
            PopulationStatisticsCache.Key(node: node, category: category, year: year,
                                          referenceYear: context.referenceYear, precise: precise)
        }
        let sample = if let cache { try cache.sample(key(false), compute: fast) } else { try fast() }
        guard precise, !sample.exact else { return sample }
        let settled = { () throws(FormulaError) -> PopulationStatisticsCache.Sample in
            // Sorting 38-digit values with Foundation costs about 0,5 µs a comparison: sort on the
            // fast values, whose order is exact except between near neighbours, then reorder only
            // runs of near-equal neighbours on 38 digits.
            var pairs: [(fast: Decimal, precise: Decimal)] = []
            for member in members() {
                guard let quick = try memberValue(node, member, year: year, precise: false),
                      let value = try memberValue(node, member, year: year, precise: true) else { continue }
                pairs.append((quick.value, value.value))
            }
            pairs.sort { FastDecimal.less($0.fast, $1.fast) }
            for i in pairs.indices.dropFirst() {
                var j = i
                while j > 0, ExactComparison.isNear(pairs[j - 1].fast, pairs[j].fast), pairs[j].precise < pairs[j - 1].precise {
                    pairs.swapAt(j, j - 1)
                    j -= 1
                }
            }
            return PopulationStatisticsCache.Sample(sorted: pairs.map(\.precise))
        }
        if let cache { return try cache.sample(key(true), compute: settled) }
        return try settled()
    }

    /// Σ numerator and Σ denominator over the members that have both; on 38 digits, exact fast
    /// sums are the same and are shared.
    func pooledSums(
        _ call: FormulaNode, _ numerator: FormulaNode, _ denominator: FormulaNode, category: String?,
        _ context: any FormulaContext, year: Int
    ) throws(FormulaError) -> PopulationStatisticsCache.PooledSums {
        let compute = { (precise: Bool) throws(FormulaError) -> PopulationStatisticsCache.PooledSums in
            var sumNumerator = Decimal(0), sumDenominator = Decimal(0), count = 0, exact = true
            for member in context.population(category: category) {
                guard let n = try memberValue(numerator, member, year: year, precise: precise),
                      let d = try memberValue(denominator, member, year: year, precise: precise) else { continue }
                sumNumerator = FastDecimal.add(sumNumerator, n.value, exact: &exact)
                sumDenominator = FastDecimal.add(sumDenominator, d.value, exact: &exact)
                exact = exact && n.exact && d.exact
                count += 1
            }
            return PopulationStatisticsCache.PooledSums(numerator: sumNumerator, denominator: sumDenominator, count: count,
                                                        exact: exact && !precise)
        }
        let key = { (precise: Bool) in
            PopulationStatisticsCache.Key(node: call, category: category, year: year,
                                          referenceYear: context.referenceYear, precise: precise)
        }
        let sums = if let cache { try cache.pooled(key(false)) { () throws(FormulaError) in try compute(false) } } else { try compute(false) }
        guard precise, !sums.exact else { return sums }
        if let cache { return try cache.pooled(key(true)) { () throws(FormulaError) in try compute(true) } }
        return try compute(true)
    }
}
