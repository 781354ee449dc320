import Foundation

/// National incentive per indicator: max(0, savings) × rate, rounded to the cent (D2, D3, D7, D8).
///
/// Indicators are independent: a rise on one never offsets a fall on another (no netting).
public enum NationalIncentive {
    /// The incentive line of one indicator for the establishment of `context` in year `context.year`.
    ///
    /// - Parameter contractRate: a rate set by the contract; the cap applies when nil. A rate
    ///   above the cap is refused.
    public static func compute(
        _ indicator: IndicatorDefinition, in context: some FormulaContext, contractRate: Decimal? = nil
    ) throws(IncentiveError) -> IncentiveLine {
        if indicator.informative { return informative(indicator, in: context) }
        guard let rule = indicator.incentive, let cap = indicator.cap else { throw .notNationallyPaid(indicator.code) }
        let rate = contractRate ?? cap
        if rate < 0 { throw .negativeRate(indicator: indicator.code, rate: rate) }
        if rate > cap { throw .rateAboveCap(indicator: indicator.code, rate: rate, cap: cap) }

        let heading = "\(indicator.code) \(context.year)"
        let value = indicator.value.flatMap { try? FormulaEvaluator.value(of: $0, in: context) }
        let raw = SafeEvaluation(rule.savings, in: context)
        guard case .number(let rawSavings)? = raw.value else {
            let explanation = Explanation(label: "Intéressement \(heading)", value: "non évaluable", children: [raw.explanation])
            return IncentiveLine(
                subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
                status: .notEvaluable(missing: raw.missing, reasons: raw.reasons), value: value, savings: nil, rate: rate,
                cap: cap, amount: 0, explanation: explanation, trace: "\(heading) : non évaluable — \(raw.explanation.value)")
        }
        let savings = max(0, rawSavings)
        let amount = Money.roundToCent(savings * rate)
        let savingsNode = Explanation(
            label: "économies retenues (dépenses évitées, jamais négatives)", value: Money.format(number: savings, decimals: nil),
            children: [Explanation(label: "0", value: "0"), raw.explanation], form: .call, symbol: "max")
        let rateNode = Explanation(
            label: "taux", value: Money.percent(rate),
            source: contractRate == nil ? "plafond de l’indicateur" : "taux du contrat (plafond \(Money.percent(cap)))")
        let explanation = Explanation(
            label: "Intéressement \(heading) — \(indicator.label)", value: Money.format(amount),
            children: [savingsNode, rateNode], form: .infix, symbol: "×")
        return IncentiveLine(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            status: .paid, value: value, savings: savings, rate: rate, cap: cap, amount: amount,
            explanation: explanation, trace: "\(heading) : \(explanation.oneLine)")
    }

    /// Informative indicators: the value and its explanation, amount 0 (D8).
    static func informative(_ indicator: IndicatorDefinition, in context: some FormulaContext) -> IncentiveLine {
        let heading = "\(indicator.code) \(context.year)"
        let evaluation = indicator.value.map { SafeEvaluation($0, in: context) }
        let status: IncentiveStatus = evaluation.map { $0.value == nil ? .notEvaluable(missing: $0.missing, reasons: $0.reasons) : .informative } ?? .informative
        let explanation = Explanation(label: "Indicateur informatif \(heading) — \(indicator.label) (jamais payé)",
                                      value: evaluation?.explanation.value ?? "", children: evaluation.map { [$0.explanation] } ?? [])
        return IncentiveLine(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            status: status, value: evaluation?.value, savings: nil, rate: nil, cap: nil, amount: 0,
            explanation: explanation, trace: "\(heading) (informatif, non payé) : \(evaluation?.explanation.oneLine ?? "")")
    }

    /// Every contracted indicator (and its informative indicators) of every contract, for year `year`.
    ///
    /// Establishments absent from `measures` get "non évaluable" lines. Lines follow the order of
    /// `contracts`, then the catalogue's indicator order.
    public static func run(
        _ catalogue: CatalogueVersion, year: Int, measures: MeasureSet, contracts: [ContractIncentiveTerms]
    ) throws(IncentiveError) -> [IncentiveLine] {
        var frames: [Int?: MeasureFrame] = [:]
        var lines: [IncentiveLine] = []
        for contract in contracts {
            for code in contract.indicators where catalogue.indicator(code) == nil {
                throw .unknownIndicator(code, catalogue: catalogue.id)
            }
            let wanted = Set(contract.indicators)
            let selected = catalogue.indicators.filter { wanted.contains($0.code) || ($0.parent.map(wanted.contains) ?? false) }
            let reference = catalogue.referenceYear?.resolve(contractStartYear: contract.startYear)
            let frame = frames[reference] ?? measures.frame(year: year, referenceYear: reference, population: catalogue.scope)
            frames[reference] = frame
            let context = frame.context(for: contract.subject)
                ?? MeasureSet(members: [MeasureSet.Member(subject: contract.subject)])
                    .frame(year: year, referenceYear: reference, population: .national).contexts[0]
            for indicator in selected {
                lines.append(try compute(indicator, in: context, contractRate: contract.rates[indicator.code]))
            }
        }
        return lines
    }

    /// Sum of the paid amounts (each already rounded to the cent, D7).
    public static func total(_ lines: [IncentiveLine]) -> Decimal {
        lines.reduce(0) { $0 + ($1.status == .paid ? $1.amount : 0) }
    }
}
