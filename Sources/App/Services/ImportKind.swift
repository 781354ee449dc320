/// The reference files an administrator imports.
enum ImportKind: String, Sendable, CaseIterable, Codable {
    case finess
    case status = "statuts"

    var label: String {
        switch self {
        case .finess: "Registre FINESS (établissements)"
        case .status: "Statuts juridiques"
        }
    }
}

/// How an import ended, stored as its raw value.
enum ImportStatus: String, Sendable, Codable {
    case running = "en cours"
    case done = "terminé"
    case refused = "refusé"
    case failed = "échoué"
}
