/// Why a spreadsheet cannot be read. Messages are French and say what and where.
public enum XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String)
    /// Not an Office Open XML workbook (an old `.xls`, a renamed CSV, a damaged archive).
    case notAWorkbook
    /// A part of the archive is missing or its XML is invalid.
    case malformed(part: String, reason: String)
    /// A part is refused on purpose (an archive bomb, a DOCTYPE, a sheet beyond the limits):
    /// `reason` follows the part's name, e.g. « se décompresse en plus de 1 Mio (rapport 100:1) ».
    case refused(part: String, reason: String)
    case sheetNotFound(String, available: [String])
    case emptySheet(String)
    case missingColumns([String], available: [String])
    /// This build has no ZIP support (ZIPFoundation is not linked).
    case unsupported

    public var description: String {
        switch self {
        case .unreadable(let reason):
            return "le classeur ne peut pas être lu : \(reason)"
        case .notAWorkbook:
            return "le fichier n'est pas un classeur Excel .xlsx (un .xls ancien doit être réenregistré en .xlsx ou en CSV)"
        case let .malformed(part, reason):
            return "classeur endommagé : partie « \(part) » illisible (\(reason))"
        case let .refused(part, reason):
            return "classeur refusé : la partie \(part) \(reason)"
        case let .sheetNotFound(name, available):
            return "feuille « \(name) » introuvable (feuilles présentes : "
                + available.map { "« \($0) »" }.joined(separator: ", ") + ")"
        case .emptySheet(let name):
            return "la feuille « \(name) » est vide"
        case let .missingColumns(missing, available):
            let list = missing.map { "« \($0) »" }.joined(separator: ", ")
            let present = available.map { "« \($0) »" }.joined(separator: ", ")
            return "colonne\(missing.count > 1 ? "s" : "") manquante\(missing.count > 1 ? "s" : "") : \(list)"
                + " (colonnes présentes : \(present))"
        case .unsupported:
            return "la lecture des fichiers .xlsx n'est pas disponible dans cette version"
        }
    }
}
