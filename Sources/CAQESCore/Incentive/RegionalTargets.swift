/// Regional indicators: value of year N against the year's target (D10, D11).
///
/// Grades are ordinal with A best (met when the grade is at least the target); floor targets
/// are met at value ≥ target, ceiling targets at value ≤ target; an extra condition, when
/// written, must hold too.
public enum RegionalTargets {
    /// The result of one indicator for the establishment of `context` in year `context.year`.
    public static func evaluate(_ indicator: IndicatorDefinition, in context: some FormulaContext) throws(IncentiveError) -> RegionalTargetResult {
        guard let rule = indicator.target, let formula = indicator.value else { throw .noRegionalTarget(indicator.code) }
        let heading = "\(indicator.code) \(context.year)"
        let target = rule.targets[context.year]
        let value = SafeEvaluation(formula, in: context)
        let condition = rule.condition.map { SafeEvaluation($0.formula, in: context) }
        var conditionMet: Bool?
        if case .boolean(let met)? = condition?.value { conditionMet = met }

        let status: RegionalTargetStatus
        let missing = Array(Set(value.missing + (condition?.missing ?? []))).sorted()
        let reasons = value.reasons + (condition?.reasons ?? [])
        if let target {
            let targetHolds = value.value.flatMap { rule.direction.comparison.holds($0, target) }
            let conditionHolds = rule.condition == nil ? true : conditionMet
            if targetHolds == false || conditionHolds == false {
                status = .notAchieved  // one failing side decides, even if the other is unknown
            } else if targetHolds == true, conditionHolds == true {
                status = .achieved
            } else {
                status = .notEvaluable(missing: missing, reasons: missing.isEmpty && reasons.isEmpty
                                       ? ["valeur non comparable à la cible"] : reasons)
            }
        } else {
            status = .noTarget
        }

        let targetNode = Explanation(label: "cible \(context.year) (\(rule.direction.label))",
                                     value: target.map { render($0) } ?? "aucune")
        let comparison = Explanation(label: "valeur comparée à la cible", value: status.label,
                                     children: [value.explanation, targetNode], form: .infix,
                                     symbol: rule.direction.comparison.symbol)
        var children = [comparison]
        if let condition, let label = rule.condition?.label {
            children.append(Explanation(label: label, value: conditionMet.map { $0 ? "oui" : "non" } ?? "non évaluable",
                                        children: [condition.explanation]))
        }
        let explanation = Explanation(label: "Indicateur régional \(heading) — \(indicator.label)", value: status.label,
                                      children: children)
        var trace = "\(heading) : \(comparison.oneLine)"
        if let condition, let label = rule.condition?.label { trace += " ; \(label) : \(condition.explanation.oneLine)" }
        return RegionalTargetResult(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            value: value.value, target: target, direction: rule.direction, conditionMet: conditionMet, status: status,
            explanation: explanation, trace: trace)
    }

    /// Every regional indicator with a target, for every member of the catalogue's region, year `year`.
    ///
    /// `indicators` limits the run to some codes per subject (the ones in each contract); nil
    /// evaluates every indicator for every member.
    public static func run(
        _ catalogue: CatalogueVersion, year: Int, measures: MeasureSet, indicators: [String: [String]]? = nil
    ) -> [RegionalTargetResult] {
        let frame = measures.frame(year: year, referenceYear: catalogue.referenceYear?.resolve(contractStartYear: nil),
                                   population: catalogue.scope)
        let candidates = catalogue.indicators.filter { $0.target != nil && $0.value != nil }
        var results: [RegionalTargetResult] = []
        for context in frame.contexts {
            let wanted = indicators.map { Set($0[context.subject] ?? []) }
            for indicator in candidates where wanted?.contains(indicator.code) ?? true {
                if let result = try? evaluate(indicator, in: context) { results.append(result) }
            }
        }
        return results
    }

    /// Achieved regional indicators per establishment, the basis of the FIR envelope (D12).
    public static func achievedCounts(_ results: [RegionalTargetResult]) -> [String: Int] {
        results.reduce(into: [:]) { counts, result in
            counts[result.subject, default: 0] += result.status == .achieved ? 1 : 0
        }
    }

    /// Targets read like the value: a rate target as a percentage when the value is a ratio.
    private static func render(_ value: FormulaValue) -> String {
        switch value {
        case .grade(let g): String(g)
        case .boolean(let b): b ? "vrai" : "faux"
        case .number(let n): n < 1 && n > -1 && n != 0 ? Money.percent(n) : Money.format(number: n, decimals: nil)
        }
    }
}
