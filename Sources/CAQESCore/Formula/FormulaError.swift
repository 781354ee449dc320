/// Why a formula does not compile or cannot be evaluated; messages are French and say where.
public enum FormulaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `national-2022.yaml, ligne 42, colonne 17 : « ) » attendu, trouvé « , »`
    case syntax(SourceLocation, expected: String, found: String)
    /// An undeclared measure; `declared` lists the catalogue's measures for the message and is
    /// ignored by `==`.
    case unknownMeasure(SourceLocation, String, declared: [String] = [])
    case unknownFunction(SourceLocation, String)
    /// An undeclared bare name; `declared` lists parameters and named formulas (ignored by `==`).
    case unknownName(SourceLocation, String, declared: [String] = [])
    /// A type mismatch; the message says which operands.
    case type(SourceLocation, String)
    /// A construct the language does not accept: wrong argument count, percentile outside 0–100 %,
    /// a measure without its year…
    case invalid(SourceLocation, String)
    case divisionByZero(subject: String, SourceLocation)
    /// Every measure value the evaluation needed and did not find, sorted.
    case missingValues(subject: String, [MissingValue])
    /// A `REF` year was used but the catalogue has no reference year.
    case noReferenceYear(subject: String, SourceLocation)
    /// `by: category` for an establishment without a category.
    case missingCategory(subject: String, SourceLocation)
    /// A population statistic over a population where no member has a value.
    case emptyPopulation(subject: String, SourceLocation, String)

    public var description: String {
        switch self {
        case .syntax(let at, let expected, let found):
            let agreement = expected.hasPrefix("une ") || expected.hasPrefix("la ") ? "attendue" : "attendu"
            return "\(at) : \(expected) \(agreement), trouvé \(found)"
        case .unknownMeasure(let at, let name, let declared):
            return "\(at) : mesure inconnue « \(name) »" + Self.listing("mesures déclarées", declared)
        case .unknownFunction(let at, let name):
            let known = FormulaFunction.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(at) : fonction inconnue « \(name) » (fonctions : \(known))"
        case .unknownName(let at, let name, let declared):
            return "\(at) : nom inconnu « \(name) »" + Self.listing("paramètres et formules déclarés", declared)
        case .type(let at, let message):
            return "\(at) : type incompatible : \(message)"
        case .invalid(let at, let message):
            return "\(at) : \(message)"
        case .divisionByZero(let subject, let at):
            return "établissement \(subject) : division par zéro (\(at)) ; "
                + "écrire safe_div(a, b, valeur) si un dénominateur nul est attendu"
        case .missingValues(let subject, let missing):
            return "établissement \(subject) : non évaluable, mesures manquantes : "
                + missing.map(\.description).joined(separator: ", ")
        case .noReferenceYear(let subject, let at):
            return "établissement \(subject) : \(at) : année de référence (REF) non définie pour ce catalogue"
        case .missingCategory(let subject, let at):
            return "établissement \(subject) : \(at) : catégorie d'établissement inconnue, « by: category » impossible"
        case .emptyPopulation(let subject, let at, let text):
            return "établissement \(subject) : \(at) : aucun établissement de la population n'a de valeur pour « \(text) »"
        }
    }

    private static func listing(_ title: String, _ names: [String]) -> String {
        names.isEmpty ? "" : " (\(title) : \(names.sorted().joined(separator: ", ")))"
    }

    /// Equality ignores the `declared` listings, which only feed the message.
    public static func == (a: FormulaError, b: FormulaError) -> Bool {
        switch (a, b) {
        case let (.syntax(l1, e1, f1), .syntax(l2, e2, f2)): l1 == l2 && e1 == e2 && f1 == f2
        case let (.unknownMeasure(l1, n1, _), .unknownMeasure(l2, n2, _)): l1 == l2 && n1 == n2
        case let (.unknownFunction(l1, n1), .unknownFunction(l2, n2)): l1 == l2 && n1 == n2
        case let (.unknownName(l1, n1, _), .unknownName(l2, n2, _)): l1 == l2 && n1 == n2
        case let (.type(l1, m1), .type(l2, m2)): l1 == l2 && m1 == m2
        case let (.invalid(l1, m1), .invalid(l2, m2)): l1 == l2 && m1 == m2
        case let (.divisionByZero(s1, l1), .divisionByZero(s2, l2)): s1 == s2 && l1 == l2
        case let (.missingValues(s1, m1), .missingValues(s2, m2)): s1 == s2 && m1 == m2
        case let (.noReferenceYear(s1, l1), .noReferenceYear(s2, l2)): s1 == s2 && l1 == l2
        case let (.missingCategory(s1, l1), .missingCategory(s2, l2)): s1 == s2 && l1 == l2
        case let (.emptyPopulation(s1, l1, t1), .emptyPopulation(s2, l2, t2)): s1 == s2 && l1 == l2 && t1 == t2
        default: false
        }
    }
}
