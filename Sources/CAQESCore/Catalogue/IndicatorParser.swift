import Foundation
import Yams

/// Reads the `indicators:` list of a catalogue, compiling each formula against the catalogue scope.
struct IndicatorParser {
    static let required = ["code", "label", "section"]
    static let optional = ["source", "cap", "informative", "parent", "value", "targeting", "incentive", "target", "note",
                           "envelope_group", "review"]

    let reader: CatalogueReader
    let scope: FormulaScope
    let validYears: ClosedRange<Int>
    /// The catalogue's `envelope_groups`, for checking each indicator's `envelope_group`.
    let envelopeGroups: [String: String]
    /// The first formula using `[REF]`, to report a missing `reference_year`.
    private(set) var firstReferenceYearUse: SourceLocation?

    init(reader: CatalogueReader, scope: FormulaScope, validYears: ClosedRange<Int>, envelopeGroups: [String: String] = [:]) {
        self.reader = reader
        self.scope = scope
        self.validYears = validYears
        self.envelopeGroups = envelopeGroups
    }

    mutating func parseAll(_ node: Node?, at location: SourceLocation) -> [IndicatorDefinition] {
        guard let items = node?.sequence else {
            reader.report(.invalidValue(field: "indicators", value: node?.string ?? "",
                                        expected: "une liste d’indicateurs (« - code: … ») est attendue"),
                          at: node.map { reader.location(of: $0) } ?? location)
            return []
        }
        var result: [IndicatorDefinition] = []
        var firstLines: [String: Int] = [:]
        var parents: [(String, SourceLocation)] = []
        for item in items {
            let context = "indicateur " + (item.mapping?["code"]?.string ?? "sans code")
            guard let fields = reader.fields(item, context: context, at: location, required: Self.required, optional: Self.optional),
                  let code = reader.string(fields, "code") else { continue }
            if let line = firstLines[code] {
                reader.report(.duplicateIndicator(code, firstLine: line), at: reader.location(of: fields["code"]))
                continue
            }
            firstLines[code] = fields.location.line
            if let parent = fields["parent"]?.string { parents.append((parent, reader.location(of: fields["parent"]))) }
            if let indicator = parse(fields, code: code) { result.append(indicator) }
        }
        for (parent, location) in parents where firstLines[parent] == nil {
            reader.report(.unknownIndicator(parent), at: location)
        }
        return result
    }

    private mutating func parse(_ fields: Fields, code: String) -> IndicatorDefinition? {
        let context = "indicateur \(code)"
        let label = reader.string(fields, "label")
        var section: Section?
        if let node = fields["section"] {
            section = Section(rawValue: node.string ?? "")
            if section == nil {
                reader.report(.invalidValue(field: "section", value: node.string ?? "…",
                                            expected: Section.allCases.map(\.rawValue).joined(separator: ", ")),
                              at: reader.location(of: node))
            }
        }
        let informative = reader.boolean(fields, "informative") ?? false
        let cap = fields["cap"].flatMap { parseCap($0, code: code) }
        let value = fields["value"].flatMap { formula($0, field: "value") }
        let targeting = fields["targeting"].flatMap { rule($0, context: "ciblage de \(code)") }
        let incentive = fields["incentive"].flatMap { incentiveRule($0, code: code) }
        let target = fields["target"].flatMap { regionalTarget($0, code: code, value: value) }

        if informative, let node = fields["incentive"] {
            reader.report(.inconsistent("l’indicateur \(code) est informatif : il n’est jamais payé (D8), retirez « incentive »"),
                          at: reader.location(of: node))
        }
        if informative || fields["target"] != nil, fields["value"] == nil {
            reader.report(.missingField("value", context: context), at: fields.location)
        }
        if fields["incentive"] != nil, !informative, fields["cap"] == nil {
            reader.report(.missingField("cap", context: "\(context) : le plafond d’intéressement (20% ou 30%)"), at: fields.location)
        }
        if let node = fields["target"], fields["incentive"] != nil {
            reader.report(.inconsistent("l’indicateur \(code) a à la fois « incentive » (national) et « target » (régional)"),
                          at: reader.location(of: node))
        }
        let envelopeGroup = fields["envelope_group"]?.string
        if let node = fields["envelope_group"] {
            if envelopeGroups[envelopeGroup ?? ""] == nil {
                reader.report(.invalidValue(field: "envelope_group", value: node.string ?? "…",
                                            expected: "un groupe déclaré dans « envelope_groups » en tête du catalogue"),
                              at: reader.location(of: node))
            } else if fields["target"] == nil {
                reader.report(.inconsistent("l’indicateur \(code) n’a pas de cible régionale : « envelope_group » ne s’applique "
                                            + "qu’aux indicateurs régionaux"), at: reader.location(of: node))
            }
        }
        let review = fields["review"].map { self.review($0, code: code) } ?? IndicatorReview()
        guard let label, let section else { return nil }
        return IndicatorDefinition(
            code: code, label: label, section: section, source: fields["source"]?.string, cap: cap,
            informative: informative, parent: fields["parent"]?.string, value: value, targeting: targeting,
            incentive: incentive, target: target, location: fields.location, envelopeGroup: envelopeGroup, review: review)
    }

    /// `review: {by: OMEDIT, evidence: required, declared: [conciliation_grade]}`.
    private func review(_ node: Node, code: String) -> IndicatorReview {
        guard let fields = reader.fields(node, context: "revue de \(code)", at: reader.location(of: node), required: [],
                                         optional: ["by", "evidence", "declared"]) else { return IndicatorReview() }
        var reviewer = ReviewBody.ars
        if let by = fields["by"] {
            if let body = ReviewBody.parse(by.string ?? "") { reviewer = body } else {
                reader.report(.invalidValue(field: "by", value: by.string ?? "…", expected: ReviewBody.allCases.map(\.rawValue).joined(separator: ", ")),
                              at: reader.location(of: by))
            }
        }
        var evidence = EvidenceRequirement.none
        if let node = fields["evidence"] {
            if let value = EvidenceRequirement(rawValue: node.string ?? "") { evidence = value } else {
                reader.report(.invalidValue(field: "evidence", value: node.string ?? "…", expected: "required, optional ou none"),
                              at: reader.location(of: node))
            }
        }
        var declared: [String] = []
        if let node = fields["declared"] {
            for item in node.sequence ?? [] {
                let measure = item.string ?? ""
                if scope.measures[measure] == nil {
                    reader.report(.invalidValue(field: "declared", value: measure, expected: "une mesure déclarée dans « measures »"),
                                  at: reader.location(of: item))
                } else {
                    declared.append(measure)
                }
            }
            if node.sequence == nil {
                reader.report(.invalidValue(field: "declared", value: node.string ?? "…", expected: "une liste de mesures"), at: reader.location(of: node))
            }
        }
        return IndicatorReview(reviewer: reviewer, evidence: evidence, declared: declared)
    }

    private func parseCap(_ node: Node, code: String) -> Decimal? {
        guard let literal = reader.literal(node, field: "cap") else { return nil }
        guard case .number(let cap) = literal.value, cap >= 0, cap <= 1 else {
            reader.report(.capOutOfRange(indicator: code, value: node.string ?? "…"), at: reader.location(of: node))
            return nil
        }
        return cap
    }

    private mutating func formula(_ node: Node, field: String, expecting types: Set<FormulaType>? = nil) -> CompiledFormula? {
        let compiled = CatalogueLoader.compile(node, field: field, scope: scope, reader: reader, expecting: types)
        if let compiled, firstReferenceYearUse == nil, CatalogueLoader.usesREF(compiled) {
            firstReferenceYearUse = compiled.location
        }
        return compiled
    }

    /// A rule is `all_of: […]`, `any_of: […]`, or a criterion `{label, value, operator, threshold}`.
    private mutating func rule(_ node: Node, context: String) -> TargetingRule? {
        let location = reader.location(of: node)
        if let mapping = node.mapping, mapping["all_of"] != nil || mapping["any_of"] != nil {
            guard let fields = reader.fields(node, context: context, at: location, required: [], optional: ["all_of", "any_of"]) else { return nil }
            if fields["all_of"] != nil, fields["any_of"] != nil {
                reader.report(.inconsistent("« all_of » et « any_of » au même niveau : imbriquez l’un dans l’autre"), at: location)
                return nil
            }
            let isAll = fields["all_of"] != nil
            guard let list = (fields["all_of"] ?? fields["any_of"])?.sequence, !list.isEmpty else {
                reader.report(.invalidValue(field: isAll ? "all_of" : "any_of", value: "…", expected: "une liste non vide de critères"), at: location)
                return nil
            }
            var members: [TargetingRule] = []
            var failed = false
            for item in list {
                if let member = rule(item, context: context) { members.append(member) } else { failed = true }
            }
            guard !failed else { return nil }
            return isAll ? .allOf(members) : .anyOf(members)
        }
        guard let fields = reader.fields(node, context: "critère de \(context)", at: location,
                                         required: ["label", "value", "operator", "threshold"], optional: []) else { return nil }
        let label = reader.string(fields, "label")
        let value = fields["value"].flatMap { formula($0, field: "value") }
        let threshold = fields["threshold"].flatMap { formula($0, field: "threshold") }
        var comparison: Comparison?
        if let node = fields["operator"] {
            comparison = Comparison(rawValue: (node.string ?? "").trimmingCharacters(in: .whitespaces))
            if comparison == nil {
                reader.report(.invalidValue(field: "operator", value: node.string ?? "…", expected: "l’un de > >= < <= ="),
                              at: reader.location(of: node))
            }
        }
        guard let label, let value, let threshold, let comparison else { return nil }
        guard value.resultType == threshold.resultType, comparison.accepts(value.resultType) else {
            reader.report(.inconsistent("critère « \(label) » : impossible de comparer \(value.resultType.catalogueWording) "
                                        + "et \(threshold.resultType.catalogueWording) avec « \(comparison.rawValue) »"),
                          at: location)
            return nil
        }
        return .criterion(TargetingCriterion(label: label, value: value, comparison: comparison, threshold: threshold))
    }

    private mutating func incentiveRule(_ node: Node, code: String) -> IncentiveRule? {
        guard let fields = reader.fields(node, context: "intéressement de \(code)", at: reader.location(of: node),
                                         required: ["savings"], optional: ["zero_parts"]),
              let savings = fields["savings"].flatMap({ formula($0, field: "savings", expecting: [.number]) }) else { return nil }
        var parts: [ZeroPart] = []
        if let node = fields["zero_parts"] {
            guard let list = node.sequence, !list.isEmpty else {
                reader.report(.invalidValue(field: "zero_parts", value: node.string ?? "…",
                                            expected: "une liste de parties « {label, when, reason} »"),
                              at: reader.location(of: node))
                return nil
            }
            for item in list {
                guard let part = reader.fields(item, context: "partie nulle de \(code)", at: reader.location(of: item),
                                               required: ["label", "when", "reason"], optional: []),
                      let label = reader.string(part, "label"), let reason = reader.string(part, "reason"),
                      let when = part["when"].flatMap({ formula($0, field: "when", expecting: [.boolean]) }) else { return nil }
                parts.append(ZeroPart(label: label, when: when, reason: reason))
            }
        }
        return IncentiveRule(savings: savings, zeroParts: parts)
    }

    private mutating func regionalTarget(_ node: Node, code: String, value: CompiledFormula?) -> RegionalTarget? {
        guard let fields = reader.fields(node, context: "cible de \(code)", at: reader.location(of: node),
                                         required: ["direction", "by_year"], optional: ["condition", "applies_when"]) else { return nil }
        var direction: TargetDirection?
        if let node = fields["direction"] {
            direction = TargetDirection(rawValue: node.string ?? "")
            if direction == nil {
                reader.report(.invalidValue(field: "direction", value: node.string ?? "…",
                                            expected: "at_least (cible plancher) ou at_most (cible plafond)"),
                              at: reader.location(of: node))
            }
        }
        var targets: [Int: FormulaValue] = [:]
        if let node = fields["by_year"] {
            if let mapping = node.mapping {
                for (key, item) in mapping {
                    guard let year = Int(key.string ?? ""), validYears.contains(year) else {
                        reader.report(.invalidValue(field: "by_year", value: key.string ?? "…",
                                                    expected: "une année de validité du catalogue (\(validYears.lowerBound)–\(validYears.upperBound))"),
                                      at: reader.location(of: key))
                        continue
                    }
                    guard let literal = reader.literal(item, field: "cible \(year)") else { continue }
                    if let value, literal.value.type != value.resultType {
                        reader.report(.invalidValue(field: "cible \(year)", value: item.string ?? "…",
                                                    expected: "\(value.resultType.catalogueWording), comme la valeur de l’indicateur"),
                                      at: reader.location(of: item))
                        continue
                    }
                    targets[year] = literal.value
                }
            } else {
                reader.report(.invalidValue(field: "by_year", value: node.string ?? "…", expected: "une liste « année: cible »"),
                              at: reader.location(of: node))
            }
        }
        var condition: TargetCondition?
        if let node = fields["condition"] {
            guard let parsed = targetCondition(node, context: "condition de \(code)") else { return nil }
            condition = parsed
        }
        var appliesWhen: TargetCondition?
        if let node = fields["applies_when"] {
            guard let parsed = targetCondition(node, context: "applies_when de \(code)") else { return nil }
            appliesWhen = parsed
        }
        guard let direction else { return nil }
        return RegionalTarget(direction: direction, targets: targets, condition: condition, appliesWhen: appliesWhen)
    }

    /// `{label, formula}` with a boolean formula.
    private mutating func targetCondition(_ node: Node, context: String) -> TargetCondition? {
        guard let inner = reader.fields(node, context: context, at: reader.location(of: node),
                                        required: ["label", "formula"], optional: []),
              let label = reader.string(inner, "label"),
              let formula = inner["formula"].flatMap({ formula($0, field: "formula", expecting: [.boolean]) }) else { return nil }
        return TargetCondition(label: label, formula: formula)
    }
}
