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
        try compute(indicator, in: context, contractRate: contractRate, explain: true)
    }

    /// `explain: false` takes the evaluator's fast path and builds the explanation on first read.
    static func compute(
        _ indicator: IndicatorDefinition, in context: some FormulaContext, contractRate: Decimal?, explain: Bool
    ) throws(IncentiveError) -> IncentiveLine {
        if !explain {
            let line = try compute(indicator, in: context, contractRate: contractRate, fast: true)
            return line.with { (try? compute(indicator, in: context, contractRate: contractRate, fast: false))
                .map { ($0.explanation, $0.trace) } ?? (Explanation(label: "", value: ""), "") }
        }
        return try compute(indicator, in: context, contractRate: contractRate, fast: false)
    }

    private static func compute(
        _ indicator: IndicatorDefinition, in context: some FormulaContext, contractRate: Decimal?, fast: Bool
    ) throws(IncentiveError) -> IncentiveLine {
        if indicator.informative { return informative(indicator, in: context, fast: fast) }
        guard let rule = indicator.incentive, let cap = indicator.cap else { throw .notNationallyPaid(indicator.code) }
        let rate = contractRate ?? cap
        if rate < 0 { throw .negativeRate(indicator: indicator.code, rate: rate) }
        if rate > cap { throw .rateAboveCap(indicator: indicator.code, rate: rate, cap: cap) }

        let value: @Sendable () -> FormulaValue? = { indicator.value.flatMap { try? FormulaEvaluator.value(of: $0, in: context) } }
        let raw = SafeEvaluation(rule.savings, in: context, explain: !fast)
        let heading = { "\(indicator.code) \(context.year)" }
        guard case .number(let rawSavings)? = raw.value else {
            let explanation = Explanation(label: "Intéressement \(heading())", value: "non évaluable", children: [raw.explanation])
            let trace = "\(heading()) : non évaluable — \(raw.explanation.value)"
            return IncentiveLine(
                subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
                status: .notEvaluable(missing: raw.missing, reasons: raw.reasons), valueProvider: value, savings: nil, rate: rate,
                cap: cap, amount: 0, explainer: { (explanation, trace) })
        }
        let savings = max(0, rawSavings)
        // Quotients keep 18–19 digits on the fast path: near a half cent, settle it on 38 digits (D7).
        let amount = DecimalRounding.halfAwayFromZero(savings * rate, places: 2) {
            guard case .number(let precise)? = try? FormulaEvaluator.preciseValue(of: rule.savings, in: context) else { return nil }
            return max(0, precise) * rate
        }
        if fast {
            return IncentiveLine(
                subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
                status: .paid, valueProvider: value, savings: savings, rate: rate, cap: cap, amount: amount,
                explainer: { (Explanation(label: "", value: ""), "") })
        }
        let savingsNode = Explanation(
            label: "économies retenues (dépenses évitées, jamais négatives)", value: FrenchNumberFormat.decimal(savings),
            children: [Explanation(label: "0", value: "0"), raw.explanation], form: .call, symbol: "max")
        let rateNode = Explanation(
            label: "taux", value: Money.percent(rate),
            source: contractRate == nil ? "plafond de l’indicateur" : "taux du contrat (plafond \(Money.percent(cap)))")
        let calculation = Explanation(
            label: "Intéressement \(heading()) — \(indicator.label)", value: Money.format(amount),
            children: [savingsNode, rateNode], form: .infix, symbol: "×")
        let zeroParts = zeroPartNodes(rule, in: context)
        var trace = "\(heading()) : \(calculation.oneLine)"
        guard !zeroParts.isEmpty else {
            return IncentiveLine(
                subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
                status: .paid, valueProvider: value, savings: savings, rate: rate, cap: cap, amount: amount,
                explainer: { [trace] in (calculation, trace) })
        }
        // The parts at 0 € are said next to the calculation (D26): on the line's tree and its trace.
        trace += zeroParts.map { " — \($0.label) : \($0.value)" }.joined()
        let explanation = Explanation(label: calculation.label, value: calculation.value,
                                      children: [calculation] + zeroParts)
        return IncentiveLine(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            status: .paid, valueProvider: value, savings: savings, rate: rate, cap: cap, amount: amount,
            explainer: { [trace] in (explanation, trace) })
    }

    /// One node per part of the savings that contributes 0 € this year, with its condition.
    private static func zeroPartNodes(_ rule: IncentiveRule, in context: some FormulaContext) -> [Explanation] {
        rule.zeroParts.compactMap { part in
            let condition = SafeEvaluation(part.when, in: context)
            guard condition.value == .boolean(true) else { return nil }
            return Explanation(label: "\(part.label) : \(part.reason)", value: "contribue 0 €", children: [condition.explanation])
        }
    }

    /// Informative indicators: the value and its explanation, amount 0 (D8).
    static func informative(_ indicator: IndicatorDefinition, in context: some FormulaContext, fast: Bool) -> IncentiveLine {
        let heading = "\(indicator.code) \(context.year)"
        let evaluation = indicator.value.map { SafeEvaluation($0, in: context, explain: !fast) }
        let status: IncentiveStatus = evaluation.map { $0.value == nil ? .notEvaluable(missing: $0.missing, reasons: $0.reasons) : .informative } ?? .informative
        let explanation = Explanation(label: "Indicateur informatif \(heading) — \(indicator.label) (jamais payé)",
                                      value: evaluation?.explanation.value ?? "", children: evaluation.map { [$0.explanation] } ?? [])
        return IncentiveLine(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            status: status, valueProvider: { [value = evaluation?.value] in value }, savings: nil, rate: nil, cap: nil, amount: 0,
            explainer: { [trace = "\(heading) (informatif, non payé) : \(evaluation?.explanation.oneLine ?? "")"] in (explanation, trace) })
    }

    /// Every contracted indicator (and its informative indicators) of every contract, for year `year`.
    ///
    /// Establishments absent from `measures` get "non évaluable" lines. Lines follow the order of
    /// `contracts`, then the catalogue's indicator order. A year outside the catalogue's validity
    /// is refused (D9).
    public static func run(
        _ catalogue: CatalogueVersion, year: Int, measures: MeasureSet, contracts: [ContractIncentiveTerms]
    ) throws(IncentiveError) -> [IncentiveLine] {
        try EvaluationYears.checkEvaluated(year, catalogue: catalogue)
        var frames: [Int?: MeasureFrame] = [:]
        var selections: [[String]: [IndicatorDefinition]] = [:]
        var work: [(context: MeasureContext, indicators: [IndicatorDefinition], rates: [String: Decimal])] = []
        for contract in contracts {
            let selected: [IndicatorDefinition]
            if let known = selections[contract.indicators] {
                selected = known
            } else {
                for code in contract.indicators where catalogue.indicator(code) == nil {
                    throw .unknownIndicator(code, catalogue: catalogue.id)
                }
                let wanted = Set(contract.indicators)
                selected = catalogue.indicators.filter { wanted.contains($0.code) || ($0.parent.map(wanted.contains) ?? false) }
                selections[contract.indicators] = selected
            }
            let reference = EvaluationYears.referenceYear(catalogue: catalogue, contractStart: contract.startYear)
            let frame = frames[reference] ?? measures.frame(year: year, referenceYear: reference, population: catalogue.scope)
            frames[reference] = frame
            let context = frame.context(for: contract.subject)
                ?? MeasureSet(members: [MeasureSet.Member(subject: contract.subject)])
                    .frame(year: year, referenceYear: reference, population: .national).contexts[0]
            work.append((context, selected, contract.rates))
        }
        var lines: [IncentiveLine] = []
        for item in work {
            for indicator in item.indicators {
                lines.append(try compute(indicator, in: item.context, contractRate: item.rates[indicator.code], explain: false))
            }
        }
        return lines
    }

    /// Sum of the paid amounts (each already rounded to the cent, D7).
    public static func total(_ lines: [IncentiveLine]) -> Decimal {
        lines.reduce(0) { $0 + ($1.status == .paid ? $1.amount : 0) }
    }
}
