import Foundation

extension FormulaInterpreter {
    /// The value of `node` for another member of the population, nil when it has none: a member
    /// with a missing input or a zero divisor is left out of the statistic (D6: over the members
    /// that have a value), rather than failing the whole population. A precise evaluation reads
    /// the members with 38 digits too, so that a settled comparison with a quartile compares like
    /// with like.
    func memberValue(_ node: FormulaNode, _ member: any FormulaContext, year: Int) throws(FormulaError) -> Decimal? {
        var probe = FormulaInterpreter(explain: false, cache: cache, precise: precise)
        do {
            let outcome = try probe.eval(node, member, year: year)
            guard probe.missing.isEmpty, case .number(let value)? = outcome.value else { return nil }
            return value
        } catch {
            if case .divisionByZero = error { return nil }
            throw error
        }
    }

    /// The ascending values of `node` over the population (or category), cached when possible.
    func sample(
        of node: FormulaNode, category: String?, _ context: any FormulaContext, year: Int
    ) throws(FormulaError) -> PopulationStatisticsCache.Sample {
        let compute = { () throws(FormulaError) -> PopulationStatisticsCache.Sample in
            let members = context.population(category: category)
            var values: [Decimal] = []
            values.reserveCapacity(members.count)
            for member in members {
                if let value = try memberValue(node, member, year: year) { values.append(value) }
            }
            values.sort(by: FastDecimal.less)
            return PopulationStatisticsCache.Sample(sorted: values)
        }
        guard let cache else { return try compute() }
        let key = PopulationStatisticsCache.Key(node: node, category: category, year: year,
                                                referenceYear: context.referenceYear, precise: precise)
        return try cache.sample(key, compute: compute)
    }

    /// Σ numerator and Σ denominator over the members that have both.
    func pooledSums(
        _ call: FormulaNode, _ numerator: FormulaNode, _ denominator: FormulaNode, category: String?,
        _ context: any FormulaContext, year: Int
    ) throws(FormulaError) -> PopulationStatisticsCache.PooledSums {
        let compute = { () throws(FormulaError) -> PopulationStatisticsCache.PooledSums in
            var sumNumerator = Decimal(0), sumDenominator = Decimal(0), count = 0
            for member in context.population(category: category) {
                guard let n = try memberValue(numerator, member, year: year),
                      let d = try memberValue(denominator, member, year: year) else { continue }
                sumNumerator = FastDecimal.add(sumNumerator, n)
                sumDenominator = FastDecimal.add(sumDenominator, d)
                count += 1
            }
            return PopulationStatisticsCache.PooledSums(numerator: sumNumerator, denominator: sumDenominator, count: count)
        }
        guard let cache else { return try compute() }
        let key = PopulationStatisticsCache.Key(node: call, category: category, year: year,
                                                referenceYear: context.referenceYear, precise: precise)
        return try cache.pooled(key, compute: compute)
    }
}
