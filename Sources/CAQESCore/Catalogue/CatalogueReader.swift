import Foundation
import Yams

/// Walks a composed YAML tree for `CatalogueLoader`, recording every problem instead of stopping
/// at the first, so an analyst fixes a file in one pass.
final class CatalogueReader {
    let file: String
    private let lines: [Substring]
    private(set) var problems: [CatalogueProblem] = []

    init(file: String, yaml: String) {
        self.file = file
        self.lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func report(_ kind: CatalogueProblem.Kind, at location: SourceLocation) {
        problems.append(CatalogueProblem(kind, at: location))
    }

    func location(of node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Where a scalar's text starts: after the opening quote, or on the first line of a block scalar.
    func textLocation(of node: Node) -> SourceLocation {
        var location = location(of: node)
        switch node.scalar?.style {
        case .singleQuoted?, .doubleQuoted?:
            location.column += 1
        case .literal?, .folded?:
            let index = location.line  // the line after the indicator, 0-based
            if index < lines.count {
                let line = lines[index]
                location.line += 1
                location.column = (line.firstIndex { $0 != " " }.map { line.distance(from: line.startIndex, to: $0) } ?? 0) + 1
            }
        default:
            break
        }
        return location
    }

    /// The fields of a mapping node, reporting unknown and missing keys.
    func fields(_ node: Node?, context: String, at parent: SourceLocation,
                required: [String], optional: [String]) -> Fields? {
        guard let node else {
            report(.invalidValue(field: context, value: "", expected: "une liste de champs « clé: valeur » est attendue"), at: parent)
            return nil
        }
        guard let mapping = node.mapping else {
            report(.invalidValue(field: context, value: node.string ?? "…", expected: "une liste de champs « clé: valeur » est attendue"),
                   at: location(of: node))
            return nil
        }
        var result = Fields(node: node, location: location(of: node))
        let known = Set(required + optional)
        for (key, value) in mapping {
            let name = key.string ?? ""
            if known.contains(name) {
                result.values[name] = value
            } else {
                report(.unknownField(name, context: context), at: location(of: key))
            }
        }
        for name in required where result.values[name] == nil {
            report(.missingField(name, context: context), at: result.location)
        }
        return result
    }

    /// A non-empty scalar string.
    func string(_ fields: Fields, _ name: String) -> String? {
        guard let node = fields.values[name] else { return nil }
        guard let text = node.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(.invalidValue(field: name, value: node.string ?? "…", expected: "un texte non vide est attendu"), at: location(of: node))
            return nil
        }
        return text
    }

    func integer(_ fields: Fields, _ name: String, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard let node = fields.values[name] else { return nil }
        guard let text = node.scalar?.string, let value = Int(text), range.contains(value) else {
            let bounds = range == Int.min...Int.max ? "" : " entre \(range.lowerBound) et \(range.upperBound)"
            report(.invalidValue(field: name, value: node.string ?? "…", expected: "un nombre entier\(bounds) est attendu"),
                   at: location(of: node))
            return nil
        }
        return value
    }

    func boolean(_ fields: Fields, _ name: String) -> Bool? {
        guard let node = fields.values[name] else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "oui": return true
        case "false", "no", "non": return false
        default:
            report(.invalidValue(field: name, value: node.string ?? "…", expected: "« true » ou « false » est attendu"), at: location(of: node))
            return nil
        }
    }

    /// A literal value: `30%`, `0.3`, `8500`, `true`, or a grade `A`…`D`.
    func literal(_ node: Node, field: String) -> (value: FormulaValue, percent: Bool)? {
        guard let text = node.scalar?.string, let parsed = Self.parseLiteral(text) else {
            report(.invalidValue(field: field, value: node.string ?? "…",
                                 expected: "un nombre (8500, 0.3), un pourcentage (30%), true/false ou une note A à D est attendu"),
                   at: location(of: node))
            return nil
        }
        return parsed
    }

    static func parseLiteral(_ raw: String) -> (value: FormulaValue, percent: Bool)? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.count == 1, let letter = text.first, ("A"..."D").contains(letter) {
            return (.grade(letter), false)
        }
        switch text.lowercased() {
        case "true": return (.boolean(true), false)
        case "false": return (.boolean(false), false)
        default: break
        }
        let percent = text.hasSuffix("%")
        let digits = (percent ? String(text.dropLast()) : text).replacingOccurrences(of: " ", with: "")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }),
              let number = Decimal(string: digits, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return (.number(percent ? number / 100 : number), percent)
    }

    /// The formula text of a scalar; a lone letter `A`…`D` is read as a grade literal, so an
    /// analyst may write `threshold: C` rather than `threshold: "'C'"`.
    func formulaText(_ node: Node, field: String) -> String? {
        guard let text = node.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(.invalidValue(field: field, value: node.string ?? "…", expected: "une formule est attendue"), at: location(of: node))
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 1, let letter = trimmed.first, ("A"..."D").contains(letter) {
            return "'\(letter)'"
        }
        return text
    }
}

/// The fields of one YAML mapping, by key.
struct Fields {
    let node: Node
    let location: SourceLocation
    var values: [String: Node] = [:]

    init(node: Node, location: SourceLocation) {
        self.node = node
        self.location = location
    }

    subscript(name: String) -> Node? { values[name] }
}
