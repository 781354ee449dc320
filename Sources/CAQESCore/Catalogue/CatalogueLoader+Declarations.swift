import Foundation
import Yams

/// Measures, parameters and named formulas share one namespace: a bare name must mean one thing.
struct NameRegistry {
    let reader: CatalogueReader
    private var seen: Set<String> = []

    init(reader: CatalogueReader) {
        self.reader = reader
    }

    /// Records `name`; false (and a problem) when it is taken or malformed.
    mutating func claim(_ name: String, at location: SourceLocation) -> Bool {
        guard name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
            reader.report(.invalidValue(field: "nom", value: name, expected: "minuscules, chiffres et « _ », commençant par une lettre"), at: location)
            return false
        }
        guard seen.insert(name).inserted else {
            reader.report(.duplicateName(name), at: location)
            return false
        }
        return true
    }
}

extension CatalogueLoader {
    static func parseMeasures(_ node: Node?, names: inout NameRegistry, reader: CatalogueReader) -> [MeasureDefinition] {
        guard let mapping = node?.mapping else {
            if let node {
                reader.report(.invalidValue(field: "measures", value: node.string ?? "…", expected: "une liste « code: {type, label} » est attendue"),
                              at: reader.location(of: node))
            }
            return []
        }
        var result: [MeasureDefinition] = []
        for (key, value) in mapping {
            let code = key.string ?? ""
            let location = reader.location(of: key)
            guard names.claim(code, at: location),
                  let fields = reader.fields(value, context: "mesure \(code)", at: location,
                                             required: ["type", "label"], optional: ["unit", "source", "aggregate"]) else { continue }
            var type: FormulaType?
            if let typeNode = fields["type"] {
                type = FormulaType(rawValue: typeNode.string ?? "")
                if type == nil {
                    reader.report(.invalidValue(field: "type", value: typeNode.string ?? "…", expected: "number, boolean ou grade"),
                                  at: reader.location(of: typeNode))
                }
            }
            guard let type, let label = reader.string(fields, "label") else { continue }
            let unit = reader.string(fields, "unit")
            let aggregate = parseAggregate(fields["aggregate"], type: type, unit: unit, reader: reader)
            result.append(MeasureDefinition(code: code, type: type, label: label,
                                            unit: unit, source: reader.string(fields, "source"), aggregate: aggregate))
        }
        return result
    }

    /// `aggregate: sum | none` (D16); only counts and amounts add up: not a grade, a flag or a `%`.
    static func parseAggregate(_ node: Node?, type: FormulaType, unit: String?, reader: CatalogueReader) -> MeasureAggregation? {
        guard let node else { return nil }
        guard let aggregate = MeasureAggregation(rawValue: node.string ?? "") else {
            reader.report(.invalidValue(field: "aggregate", value: node.string ?? "…",
                                        expected: "« sum » (effectifs, montants : additionnés des ET à l'EJ) ou « none » (taux, notes)"),
                          at: reader.location(of: node))
            return nil
        }
        if aggregate == .sum, MeasureAggregation.defaultFor(type: type, unit: unit) != .sum {
            let what = type == .number ? "un taux (unité « % »)" : type.catalogueWording
            reader.report(.invalidValue(field: "aggregate", value: "sum",
                                        expected: "\(what) ne s'additionne pas d'un établissement à l'autre : écrire « none »"),
                          at: reader.location(of: node))
            return nil
        }
        return aggregate
    }

    static func parseParameters(_ node: Node?, into scope: inout FormulaScope, names: inout NameRegistry, reader: CatalogueReader) {
        guard let node else { return }
        guard let mapping = node.mapping else {
            reader.report(.invalidValue(field: "parameters", value: node.string ?? "…", expected: "une liste « nom: valeur » est attendue"),
                          at: reader.location(of: node))
            return
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard names.claim(name, at: reader.location(of: key)),
                  let literal = reader.literal(value, field: name) else { continue }
            scope.parameters[name] = literal.value
            if literal.percent { scope.percentParameters.insert(name) }
        }
    }

    /// Named formulas compile in file order: each may use the ones written above it.
    static func parseNamedFormulas(_ node: Node?, into scope: inout FormulaScope, names: inout NameRegistry, reader: CatalogueReader) {
        guard let node else { return }
        guard let mapping = node.mapping else {
            reader.report(.invalidValue(field: "formulas", value: node.string ?? "…", expected: "une liste « nom: formule » est attendue"),
                          at: reader.location(of: node))
            return
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard names.claim(name, at: reader.location(of: key)),
                  let compiled = compile(value, field: name, scope: scope, reader: reader) else { continue }
            scope.formulas[name] = compiled
        }
    }

    static func compile(_ node: Node, field: String, scope: FormulaScope, reader: CatalogueReader,
                        expecting types: Set<FormulaType>? = nil) -> CompiledFormula? {
        guard let text = reader.formulaText(node, field: field) else { return nil }
        let location = reader.textLocation(of: node)
        do {
            let compiled = try FormulaCompiler.compile(text, at: location, scope: scope)
            if let types, !types.contains(compiled.resultType) {
                let wanted = types.map(\.catalogueWording).sorted().joined(separator: " ou ")
                reader.report(.invalidValue(field: field, value: text,
                                            expected: "la formule doit donner \(wanted), elle donne \(compiled.resultType.catalogueWording)"),
                              at: location)
                return nil
            }
            return compiled
        } catch {
            reader.report(.formula(error), at: location)
            return nil
        }
    }
}

extension FormulaType {
    /// `un nombre`, `un booléen`, `une note`.
    var catalogueWording: String {
        switch self {
        case .number: "un nombre"
        case .boolean: "un booléen (vrai/faux)"
        case .grade: "une note (A à D)"
        }
    }
}
