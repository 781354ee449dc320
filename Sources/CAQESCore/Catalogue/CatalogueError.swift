/// Why a catalogue, or a set of catalogues, is refused. Messages are French and say where.
public enum CatalogueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is refused whole; `problems` lists every error found, in file order.
    case rejected(file: String, problems: [CatalogueProblem])
    /// Two loaded files declare the same catalogue id.
    case duplicateCatalogue(id: String, files: [String])
    /// No loaded catalogue has this id.
    case unknownCatalogue(id: String, known: [String])

    public var description: String {
        switch self {
        case let .rejected(file, problems):
            let count = problems.count == 1 ? "1 erreur" : "\(problems.count) erreurs"
            return (["Catalogue « \(file) » refusé (\(count)) :"] + problems.map { "- \($0)" })
                .joined(separator: "\n")
        case let .duplicateCatalogue(id, files):
            return "Le catalogue « \(id) » est déclaré deux fois : \(files.joined(separator: ", "))."
        case let .unknownCatalogue(id, known):
            let list = known.isEmpty ? "aucun catalogue chargé" : "catalogues chargés : \(known.joined(separator: ", "))"
            return "Catalogue « \(id) » inconnu (\(list))."
        }
    }
}

/// One error found in a catalogue file, at its line and column.
public struct CatalogueProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The YAML itself does not parse.
        case yamlSyntax(String)
        /// A required field is absent; `context` says in what (`indicateur N1`).
        case missingField(String, context: String)
        /// A field the schema does not know (often a typo).
        case unknownField(String, context: String)
        /// A field whose value has the wrong form; `expected` says what is accepted.
        case invalidValue(field: String, value: String, expected: String)
        case duplicateIndicator(String, firstLine: Int)
        /// A measure, parameter or named formula declared twice (or clashing with another name).
        case duplicateName(String)
        case capOutOfRange(indicator: String, value: String)
        /// A formula that does not compile (its own location is in the error).
        case formula(FormulaError)
        /// A reference to an indicator that the catalogue does not define.
        case unknownIndicator(String)
        /// Something inconsistent between fields; the message says what.
        case inconsistent(String)
    }

    public var location: SourceLocation
    public var kind: Kind

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var description: String {
        let message: String
        switch kind {
        case .yamlSyntax(let text):
            message = "YAML illisible : \(text)"
        case let .missingField(field, context):
            message = "champ obligatoire « \(field) » absent (\(context))"
        case let .unknownField(field, context):
            message = "champ « \(field) » inconnu (\(context))"
        case let .invalidValue(field, value, expected):
            message = "valeur « \(value) » invalide pour « \(field) » : \(expected)"
        case let .duplicateIndicator(code, firstLine):
            message = "l’indicateur « \(code) » est déjà défini ligne \(firstLine)"
        case .duplicateName(let name):
            message = "le nom « \(name) » est déclaré deux fois (mesures, paramètres et formules partagent les mêmes noms)"
        case let .capOutOfRange(indicator, value):
            message = "plafond « \(value) » de l’indicateur \(indicator) hors de 0 % à 100 %"
        case .formula(let error):
            // The formula error names its own file, line and column.
            return error.description
        case .unknownIndicator(let code):
            message = "indicateur « \(code) » inconnu dans ce catalogue"
        case .inconsistent(let text):
            message = text
        }
        return "\(location) : \(message)"
    }
}
