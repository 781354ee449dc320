import Foundation

/// Runs a catalogue's targeting rules on a reference year.
///
/// Every (establishment, indicator with a targeting rule) gets a decision with each criterion's
/// value, threshold and outcome. Statistics (quartiles, category averages) are computed over the
/// catalogue's scope: national for a national catalogue even when results are asked for one
/// region, the region for a regional catalogue (D6).
public enum TargetingEngine {
    /// Targets the members of `population` found in `measures`.
    ///
    /// `measures` must hold the whole catalogue scope (every establishment of the country for a
    /// national catalogue, of the region for a regional one): quartiles and category averages are
    /// computed over it, whatever `population` lists. Decisions come in `measures` order, then
    /// catalogue order; explanations are built when first read.
    ///
    /// - Parameters:
    ///   - referenceYear: the data year read as `N` (e.g. 2019 for the 2022 national targeting).
    ///   - contractStartYear: resolves a catalogue `REF` rule relative to the contract start; nil
    ///     takes the catalogue's `valid_from` (`EvaluationYears.contractStart`). The data year is
    ///     not checked against the catalogue's validity: targeting reads earlier data.
    public static func run(
        _ catalogue: CatalogueVersion, referenceYear: Int, population: CatalogueScope,
        measures: MeasureSet, contractStartYear: Int? = nil
    ) throws(TargetingError) -> TargetingRun {
        if case .region = catalogue.scope, population != catalogue.scope {
            throw .populationOutsideScope(catalogue: catalogue.id, scope: catalogue.scope, requested: population)
        }
        let frame = measures.frame(year: referenceYear,
                                   referenceYear: EvaluationYears.referenceYear(catalogue: catalogue, contractStart: contractStartYear),
                                   population: catalogue.scope)
        let indicators = catalogue.indicators.filter { $0.targeting != nil }
        var listed = frame.contexts
        if case .region(let code) = population {
            listed = listed.filter { measures.members[$0.index].region == code }
        }
        let members = listed
        let shared = SharedThresholds(indicators, members: frame.contexts)
        var decisions: [TargetingDecision] = []
        decisions.reserveCapacity(members.count * indicators.count)
        for member in members {
            for indicator in indicators {
                decisions.append(decide(indicator, rule: indicator.targeting!, in: member, explain: false, shared: shared))
            }
        }
        return TargetingRun(catalogueID: catalogue.id, catalogueVersion: catalogue.version,
                            referenceYear: referenceYear, population: population, decisions: decisions)
    }

    /// Targets one establishment on one indicator.
    ///
    /// With `explain: false` (bulk runs) the values, thresholds and outcomes are computed on the
    /// evaluator's fast path and the explanations on first read.
    public static func decide(_ indicator: IndicatorDefinition, rule: TargetingRule, in context: some FormulaContext,
                              explain: Bool = true) -> TargetingDecision {
        decide(indicator, rule: rule, in: context, explain: explain, shared: nil)
    }

    static func decide(_ indicator: IndicatorDefinition, rule: TargetingRule, in context: some FormulaContext,
                       explain: Bool, shared: SharedThresholds?) -> TargetingDecision {
        var criteria: [CriterionResult] = []
        let (outcome, tree) = evaluate(rule, in: context, explain: explain, shared: shared, criteria: &criteria)
        let result: TargetingOutcome
        switch outcome {
        case .met: result = .targeted
        case .notMet: result = .notTargeted
        case .notEvaluable:
            let open = criteria.filter { $0.outcome == .notEvaluable }
            result = .notEvaluable(missing: Array(Set(open.flatMap(\.missing))).sorted(),
                                   reasons: Array(Set(open.flatMap(\.reasons))).sorted())
        }
        let explainer: @Sendable () -> Explanation
        if explain {
            let explanation = Explanation(label: "Ciblage \(indicator.code) — \(indicator.label)", value: result.label,
                                          children: [tree])
            explainer = { explanation }
        } else {
            explainer = { decide(indicator, rule: rule, in: context, explain: true).explanation }
        }
        return TargetingDecision(subject: context.subject, indicatorCode: indicator.code, indicatorLabel: indicator.label,
                                 outcome: result, criteria: criteria, explainer: explainer)
    }

    /// Three-valued logic: one unmet criterion fails "all of" even if another is not evaluable.
    private static func evaluate(_ rule: TargetingRule, in context: some FormulaContext, explain: Bool,
                                 shared: SharedThresholds?, criteria: inout [CriterionResult]) -> (CriterionOutcome, Explanation) {
        switch rule {
        case .criterion(let criterion):
            let result = evaluate(criterion, in: context, explain: explain, shared: shared)
            criteria.append(result)
            return (result.outcome, explain ? result.explanation : placeholder)
        case .allOf(let rules), .anyOf(let rules):
            let isAll: Bool = if case .allOf = rule { true } else { false }
            let members = rules.map { evaluate($0, in: context, explain: explain, shared: shared, criteria: &criteria) }
            let decisive: CriterionOutcome = isAll ? .notMet : .met
            let outcome: CriterionOutcome = if members.contains(where: { $0.0 == decisive }) {
                decisive
            } else if members.contains(where: { $0.0 == .notEvaluable }) {
                .notEvaluable
            } else {
                isAll ? .met : .notMet
            }
            guard explain else { return (outcome, placeholder) }
            let node = Explanation(label: isAll ? "tous les critères" : "au moins un des critères",
                                   value: outcome.label, children: members.map(\.1),
                                   form: .infix, symbol: isAll ? "et" : "ou", parenthesized: true)
            return (outcome, node)
        }
    }

    private static let placeholder = Explanation(label: "", value: "")

    static func evaluate(_ criterion: TargetingCriterion, in context: some FormulaContext, explain: Bool = true,
                         shared: SharedThresholds? = nil) -> CriterionResult {
        let value = SafeEvaluation(criterion.value, in: context, explain: explain)
        let known = explain ? nil : shared?.threshold(criterion, category: context.category)
        let threshold = known.map { SafeEvaluation(known: $0.value, exact: $0.exact, formula: criterion.threshold) }
            ?? SafeEvaluation(criterion.threshold, in: context, explain: explain)
        var outcome = CriterionOutcome.notEvaluable
        // Exact values compare as they are; near values are settled on 38 digits (D27).
        let exact = value.exact && threshold.exact
        if let v = value.value, let t = threshold.value,
           let holds = exact ? criterion.comparison.holds(v, t) : criterion.comparison.holds(v, t, settling: { () -> (Decimal, Decimal)? in
               guard case .number(let pv)? = try? FormulaEvaluator.preciseValue(of: criterion.value, in: context) else { return nil }
               // A shared threshold (a quartile many establishments tie with) is computed once per category.
               if known != nil, let shared, let member = context as? MeasureContext {
                   return shared.preciseThreshold(criterion, in: member).map { (pv, $0) }
               }
               guard case .number(let pt)? = try? FormulaEvaluator.preciseValue(of: criterion.threshold, in: context) else { return nil }
               return (pv, pt)
           }) {
            outcome = holds ? .met : .notMet
        }
        let explainer: @Sendable () -> Explanation
        if explain {
            let explanation = Explanation(label: criterion.label, value: outcome.label,
                                          children: [value.explanation, threshold.explanation],
                                          form: .infix, symbol: criterion.comparison.symbol)
            explainer = { explanation }
        } else {
            explainer = { evaluate(criterion, in: context, explain: true).explanation }
        }
        let missing = value.missing.isEmpty && threshold.missing.isEmpty ? []
            : Array(Set(value.missing + threshold.missing)).sorted()
        return CriterionResult(label: criterion.label, comparison: criterion.comparison, value: value.value,
                               threshold: threshold.value, outcome: outcome, missing: missing,
                               reasons: value.reasons + threshold.reasons, explainer: explainer)
    }
}
