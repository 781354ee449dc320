/// The kinds of file the import wizard, the API and the CLI take: registry files (administrators)
/// and measures (administrators and ARS analysts, within their scope).
enum ImportKind: String, Sendable, CaseIterable, Codable {
    case finess
    case status = "statuts"
    case measures = "mesures"
    case sae
    case hospidiag
    case phmev

    var label: String {
        switch self {
        case .finess: "Registre FINESS (établissements)"
        case .status: "Statuts juridiques"
        case .measures: "Mesures (format long ou correspondance)"
        case .sae: "SAE, bordereau MCO (DREES)"
        case .hospidiag: "Hospi Diag (ATIH)"
        case .phmev: "Open PHMEV (Assurance Maladie)"
        }
    }

    /// Registry files are reference data (admin); measures are imported by ARS analysts too.
    var isReferenceData: Bool { self == .finess || self == .status }
}

/// How an import ended, stored as its raw value.
enum ImportStatus: String, Sendable, Codable {
    case running = "en cours"
    case done = "terminé"
    case refused = "refusé"
    case failed = "échoué"
}
