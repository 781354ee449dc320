import Foundation
import Yams

/// Loads catalogue files: YAML text in, a validated `CatalogueVersion` out, or the whole file refused.
///
/// The core does no I/O: the caller reads the file and passes its text and its name (used in
/// every error message). Every problem is collected before refusing, so one run lists them all.
public enum CatalogueLoader {
    static let topFields = ["id", "version", "valid_from", "valid_to", "scope", "measures", "indicators"]
    static let optionalTopFields = ["label", "description", "reference_year", "parameters", "formulas", "envelope_groups"]
    /// The parameter that sets the refusal sanction (D14); `RefusalSanction` reads nothing else.
    static let refusalSanctionRateParameter = "refusal_sanction_rate"

    /// Parses and validates a catalogue.
    ///
    /// Throws `.rejected` listing every problem (YAML syntax, missing or unknown field, duplicated
    /// indicator code, unknown measure, formula error with its line and column, cap outside
    /// 0–100 %…), in file order.
    public static func load(yaml: String, file: String) throws(CatalogueError) -> CatalogueVersion {
        let reader = CatalogueReader(file: file, yaml: yaml)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            reader.report(.yamlSyntax(yamlMessage(error)), at: yamlLocation(error, file: file))
            throw .rejected(file: file, problems: reader.problems)
        }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let top = reader.fields(root, context: "catalogue", at: start,
                                      required: topFields, optional: optionalTopFields) else {
            throw .rejected(file: file, problems: reader.problems)
        }
        let catalogue = build(top, reader: reader)
        if !reader.problems.isEmpty || catalogue == nil {
            let sorted = reader.problems.enumerated().sorted { a, b in
                (a.element.location.line, a.element.location.column, a.offset)
                    < (b.element.location.line, b.element.location.column, b.offset)
            }.map(\.element)
            throw .rejected(file: file, problems: sorted)
        }
        return catalogue!
    }

    private static func build(_ top: Fields, reader: CatalogueReader) -> CatalogueVersion? {
        let id = reader.string(top, "id")
        if let id, id.range(of: "^[a-z0-9][a-z0-9-]*$", options: .regularExpression) == nil {
            reader.report(.invalidValue(field: "id", value: id, expected: "minuscules, chiffres et tirets (ex. national-2022)"),
                          at: reader.location(of: top["id"]))
        }
        let version = reader.integer(top, "version", in: 1...Int.max)
        let validFrom = reader.integer(top, "valid_from", in: 2000...2100)
        let validTo = reader.integer(top, "valid_to", in: 2000...2100)
        if let validFrom, let validTo, validFrom > validTo {
            reader.report(.inconsistent("« valid_from » (\(validFrom)) est postérieur à « valid_to » (\(validTo))"),
                          at: reader.location(of: top["valid_to"]))
        }
        let scope = parseScope(top["scope"], reader: reader)
        let referenceYear = top["reference_year"].flatMap { parseReferenceYear($0, reader: reader) }

        var names = NameRegistry(reader: reader)
        let measures = parseMeasures(top["measures"], names: &names, reader: reader)
        var formulaScope = FormulaScope(measures: Dictionary(measures.map { ($0.code, $0.type) }) { a, _ in a })
        parseParameters(top["parameters"], into: &formulaScope, names: &names, reader: reader)
        checkRefusalSanctionRate(formulaScope.parameters[refusalSanctionRateParameter], top["parameters"], reader: reader)
        parseNamedFormulas(top["formulas"], into: &formulaScope, names: &names, reader: reader)

        let envelopeGroups = parseEnvelopeGroups(top["envelope_groups"], reader: reader)
        var parser = IndicatorParser(reader: reader, scope: formulaScope, validYears: (validFrom ?? 0)...(max(validFrom ?? 0, validTo ?? 9999)),
                                     envelopeGroups: envelopeGroups)
        let indicators = parser.parseAll(top["indicators"], at: top.location)

        if referenceYear == nil, let usage = parser.firstReferenceYearUse ?? formulaScope.formulas.values.first(where: usesREF)?.location {
            reader.report(.inconsistent("une formule utilise [REF] mais le catalogue ne déclare pas « reference_year »"), at: usage)
        }
        guard let id, let version, let validFrom, let validTo, let scope, reader.problems.isEmpty else { return nil }
        return CatalogueVersion(
            id: id, version: version, label: top["label"]?.string ?? id, validFrom: validFrom, validTo: validTo,
            scope: scope, file: reader.file, referenceYear: referenceYear, measures: measures,
            parameters: formulaScope.parameters, formulas: formulaScope.formulas, indicators: indicators,
            formulaScope: formulaScope, envelopeGroups: envelopeGroups)
    }

    /// `envelope_groups: {CODE: label}`: groups of regional indicators counted once (D24).
    private static func parseEnvelopeGroups(_ node: Node?, reader: CatalogueReader) -> [String: String] {
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            reader.report(.invalidValue(field: "envelope_groups", value: node.string ?? "…",
                                        expected: "une liste « CODE: libellé » des groupes comptés comme un seul indicateur"),
                          at: reader.location(of: node))
            return [:]
        }
        var groups: [String: String] = [:]
        for (key, value) in mapping {
            guard let code = key.string, !code.isEmpty, let label = value.string, !label.isEmpty else {
                reader.report(.invalidValue(field: "envelope_groups", value: key.string ?? "…", expected: "« CODE: libellé »"),
                              at: reader.location(of: key))
                continue
            }
            groups[code] = label
        }
        return groups
    }

    /// The refusal sanction is a share of the AM products: a number from 0 to 100 %.
    private static func checkRefusalSanctionRate(_ value: FormulaValue?, _ parameters: Node?, reader: CatalogueReader) {
        guard let value else { return }
        if case .number(let rate) = value, rate >= 0, rate <= 1 { return }
        let node = parameters?.mapping?[refusalSanctionRateParameter]
        reader.report(.invalidValue(field: refusalSanctionRateParameter, value: node?.string ?? "…",
                                    expected: "un taux entre 0 % et 100 % des produits de l’assurance maladie (ex. 1%)"),
                      at: node.map { reader.location(of: $0) } ?? reader.location(of: parameters))
    }

    static func usesREF(_ formula: CompiledFormula) -> Bool {
        formula.referencedMeasures.contains { if case .ref = $0.yearOffset { true } else { false } }
    }

    private static func parseScope(_ node: Node?, reader: CatalogueReader) -> CatalogueScope? {
        guard let node else { return nil }
        let text = (node.string ?? "").trimmingCharacters(in: .whitespaces)
        if text == "national" { return .national }
        for prefix in ["region ", "région "] where text.hasPrefix(prefix) {
            let code = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if !code.isEmpty, code.allSatisfy(\.isNumber) { return .region(code) }
        }
        reader.report(.invalidValue(field: "scope", value: text, expected: "« national » ou « region 32 » (code INSEE de la région)"),
                      at: reader.location(of: node))
        return nil
    }

    private static func parseReferenceYear(_ node: Node, reader: CatalogueReader) -> ReferenceYearRule? {
        let text = (node.string ?? "").replacingOccurrences(of: " ", with: "")
        if let year = Int(text), (2000...2100).contains(year) { return .fixed(year) }
        if text.hasPrefix("contract_start-"), let years = Int(text.dropFirst("contract_start-".count)), years >= 0 {
            return .beforeContractStart(years: years)
        }
        reader.report(.invalidValue(field: "reference_year", value: node.string ?? "…",
                                    expected: "une année (2023) ou « contract_start - 1 » (années avant le début du contrat)"),
                      at: reader.location(of: node))
        return nil
    }

    private static func yamlMessage(_ error: Error) -> String {
        switch error as? YamlError {
        case let .scanner(_, problem, _, _)?, let .parser(_, problem, _, _)?, let .composer(_, problem, _, _)?:
            return problem
        case let .duplicatedKeysInMapping(duplicates, _)?:
            return "clé en double : \(duplicates.joined(separator: ", "))"
        default:
            return String(describing: error)
        }
    }

    private static func yamlLocation(_ error: Error, file: String) -> SourceLocation {
        let mark: Mark? = switch error as? YamlError {
        case let .scanner(_, _, mark, _)?, let .parser(_, _, mark, _)?, let .composer(_, _, mark, _)?: mark
        case let .duplicatedKeysInMapping(_, context)?: context.mark
        default: nil
        }
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}
