import Foundation

/// Regional indicators: value of year N against the year's target (D10, D11).
///
/// Grades are ordinal with A best (met when the grade is at least the target); floor targets
/// are met at value ≥ target, ceiling targets at value ≤ target; an extra condition, when
/// written, must hold too. An indicator whose `applies_when` is false does not apply (D24).
public enum RegionalTargets {
    /// The result of one indicator for the establishment of `context` in year `context.year`.
    public static func evaluate(_ indicator: IndicatorDefinition, in context: some FormulaContext) throws(IncentiveError) -> RegionalTargetResult {
        guard let rule = indicator.target, let formula = indicator.value else { throw .noRegionalTarget(indicator.code) }
        let heading = "\(indicator.code) \(context.year)"
        let target = rule.targets[context.year]
        let applies = rule.appliesWhen.map { SafeEvaluation($0.formula, in: context) }
        var appliesValue: Bool?
        if case .boolean(let holds)? = applies?.value { appliesValue = holds }
        let value = SafeEvaluation(formula, in: context)
        let condition = rule.condition.map { SafeEvaluation($0.formula, in: context) }
        var conditionMet: Bool?
        if case .boolean(let met)? = condition?.value { conditionMet = met }

        let status: RegionalTargetStatus
        if rule.appliesWhen != nil, appliesValue != true {
            if appliesValue == false {
                status = .notApplicable
            } else {
                let missing = Array(Set((applies?.missing ?? []) + value.missing)).sorted()
                status = .notEvaluable(missing: missing, reasons: applies?.reasons ?? [])
            }
        } else if let target {
            let missing = Array(Set(value.missing + (condition?.missing ?? []))).sorted()
            let reasons = value.reasons + (condition?.reasons ?? [])
            let targetHolds = value.value.flatMap { v in
                // A rate near the target is settled on 38 digits (D27): the target is a literal.
                value.exact ? rule.direction.comparison.holds(v, target) : rule.direction.comparison.holds(v, target) { () -> (Decimal, Decimal)? in
                    guard case .number(let precise)? = try? FormulaEvaluator.preciseValue(of: formula, in: context),
                          case .number(let t) = target else { return nil }
                    return (precise, t)
                }
            }
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
        var trace = "\(heading) : \(comparison.oneLine)"
        if let applies, let label = rule.appliesWhen?.label {
            let node = Explanation(label: label, value: appliesValue.map { $0 ? "oui" : "non" } ?? "non évaluable",
                                   children: [applies.explanation])
            if appliesValue == true {
                children.append(node)
            } else {
                // Not applying (or not knowing whether it applies) decides alone: no comparison to show.
                children = [node]
                trace = "\(heading) : \(status.label) — \(label) : \(applies.explanation.oneLine)"
            }
        }
        if let condition, let label = rule.condition?.label, appliesValue != false {
            children.append(Explanation(label: label, value: conditionMet.map { $0 ? "oui" : "non" } ?? "non évaluable",
                                        children: [condition.explanation]))
            trace += " ; \(label) : \(condition.explanation.oneLine)"
        }
        let explanation = Explanation(label: "Indicateur régional \(heading) — \(indicator.label)", value: status.label,
                                      children: children)
        return RegionalTargetResult(
            subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label, year: context.year,
            value: value.value, target: target, direction: rule.direction, conditionMet: conditionMet, status: status,
            envelopeGroup: indicator.envelopeGroup, explanation: explanation, trace: trace)
    }

    /// Every regional indicator with a target, for every member of the catalogue's region, year `year`.
    ///
    /// `indicators` limits the run to some codes per subject (the ones in each contract); nil
    /// evaluates every indicator for every member. A year outside the catalogue's validity is
    /// refused (D9); a `contract_start` reference year counts from the catalogue's `valid_from`.
    public static func run(
        _ catalogue: CatalogueVersion, year: Int, measures: MeasureSet, indicators: [String: [String]]? = nil
    ) throws(IncentiveError) -> [RegionalTargetResult] {
        try EvaluationYears.checkEvaluated(year, catalogue: catalogue)
        let frame = measures.frame(year: year, referenceYear: EvaluationYears.referenceYear(catalogue: catalogue, contractStart: nil),
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

    /// Achieved regional indicators per establishment, the basis of the FIR envelope (D12): an
    /// envelope group counts once, when achieved as a whole (D24, `groups`).
    public static func achievedCounts(_ results: [RegionalTargetResult]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for result in results where result.envelopeGroup == nil {
            counts[result.subject, default: 0] += result.status == .achieved ? 1 : 0
        }
        for (subject, members) in grouped(results) {
            counts[subject.subject, default: 0] += groupStatus(members) == .achieved ? 1 : 0
        }
        return counts
    }

    /// The envelope groups of `results`, one per (establishment, group), in the results' order.
    public static func groups(_ results: [RegionalTargetResult], catalogue: CatalogueVersion) -> [RegionalGroupResult] {
        grouped(results).map { key, members in
            let status = groupStatus(members)
            let label = catalogue.envelopeGroups[key.group] ?? key.group
            let year = members[0].year
            let explanation = Explanation(
                label: "Indicateur régional \(key.group) \(year) — \(label) (compté une fois)", value: status.label,
                source: "atteint si chaque molécule utilisée atteint sa cible (D24)",
                children: members.map { Explanation(label: $0.indicatorCode, value: $0.status.label, children: [$0.explanation]) })
            let trace = "\(key.group) \(year) : " + members.map { "\($0.indicatorCode) \($0.status.label)" }.joined(separator: " ; ")
                + " → \(status.label)"
            return RegionalGroupResult(subject: key.subject, code: key.group, label: label, year: year,
                                       members: members.map(\.indicatorCode), status: status, explanation: explanation, trace: trace)
        }
    }

    /// Results of grouped indicators by (subject, group), in first-seen order.
    private static func grouped(_ results: [RegionalTargetResult]) -> [(key: (subject: String, group: String), members: [RegionalTargetResult])] {
        var order: [(subject: String, group: String)] = []
        var members: [String: [String: [RegionalTargetResult]]] = [:]
        for result in results {
            guard let group = result.envelopeGroup else { continue }
            if members[result.subject]?[group] == nil { order.append((result.subject, group)) }
            members[result.subject, default: [:]][group, default: []].append(result)
        }
        return order.map { ($0, members[$0.subject]![$0.group]!) }
    }

    /// One failing member decides; then one not evaluable; then any achieved member achieves the
    /// group, the others not applying.
    private static func groupStatus(_ members: [RegionalTargetResult]) -> RegionalTargetStatus {
        if members.contains(where: { $0.status == .notAchieved }) { return .notAchieved }
        var missing: Set<MissingValue> = [], reasons: [String] = [], open = false
        for member in members {
            if case let .notEvaluable(m, r) = member.status {
                open = true
                missing.formUnion(m)
                reasons += r.filter { !reasons.contains($0) }
            }
        }
        if open { return .notEvaluable(missing: missing.sorted(), reasons: reasons) }
        if members.contains(where: { $0.status == .achieved }) { return .achieved }
        return members.allSatisfy { $0.status == .noTarget } ? .noTarget : .notApplicable
    }

    /// Targets read like the value: a rate target as a percentage when the value is a ratio.
    static func render(_ value: FormulaValue) -> String {
        switch value {
        case .grade(let g): String(g)
        case .boolean(let b): b ? "vrai" : "faux"
        case .number(let n): n < 1 && n > -1 && n != 0 ? Money.percent(n) : FrenchNumberFormat.decimal(n)
        }
    }
}
