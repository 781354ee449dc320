/// Why a CSV file cannot be read. Messages are French and say what and where.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case binary
    /// The file cannot be opened or read; the payload says why.
    case unreadable(String)
    /// A record has another number of fields than the header (never padded silently).
    case wrongFieldCount(line: Int, expected: Int, found: Int)
    /// A quoted field opened on `line` is never closed (usually a truncated file).
    case unterminatedQuote(line: Int)
    case missingColumns([String], available: [String])
    /// The file is refused on purpose (a gzip bomb, a file beyond the limits); the payload says what and where.
    case refused(String)
    /// Bytes invalid in UTF-8 on `line` while the file was read as UTF-8.
    case invalidEncoding(line: Int)

    public var description: String {
        switch self {
        case .empty:
            return "le fichier est vide"
        case .binary:
            return "le fichier n'est pas un fichier texte CSV (contenu binaire)"
        case .unreadable(let reason):
            return "le fichier ne peut pas être lu : \(reason)"
        case let .wrongFieldCount(line, expected, found):
            return "ligne \(line) : \(expected) colonnes attendues, \(found) trouvée\(found > 1 ? "s" : "")"
                + " (séparateur ou guillemets ?)"
        case .unterminatedQuote(let line):
            return "ligne \(line) : guillemet ouvert jamais refermé (fichier tronqué ?)"
        case let .missingColumns(missing, available):
            let list = missing.map { "« \($0) »" }.joined(separator: ", ")
            let present = available.map { "« \($0) »" }.joined(separator: ", ")
            return "colonne\(missing.count > 1 ? "s" : "") manquante\(missing.count > 1 ? "s" : "") : \(list)"
                + " (colonnes présentes : \(present))"
        case .refused(let reason):
            return "fichier refusé : \(reason)"
        case .invalidEncoding(let line):
            return "ligne \(line) : caractères invalides en UTF-8 (le fichier est-il en Latin-1 / Windows-1252 ?)"
        }
    }
}
