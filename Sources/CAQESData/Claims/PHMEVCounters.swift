/// The counts of an Open PHMEV import report: what was read, summed, left out and why.
public struct PHMEVCounters: Sendable, Equatable, CustomStringConvertible {
    /// Data rows (the header is not counted).
    public internal(set) var rowsRead = 0
    /// Rows summed into each class.
    public internal(set) var rowsByClass: [PHMEVClass: Int] = [:]
    /// Rows of other drugs.
    public internal(set) var rowsOutsideClasses = 0
    /// Rows whose masked ATC code (`9999…`) could hide the class: not summed, reported.
    public internal(set) var rowsUndetermined: [PHMEVClass: Int] = [:]
    /// Rows left out: FINESS not 9 characters (digits, or 2A/2B + 7 digits).
    public internal(set) var rowsBadFINESSFormat = 0
    /// Rows left out (or, with `acceptBadKeys`, summed and flagged): FINESS with a wrong key.
    public internal(set) var rowsBadFINESSKey = 0
    /// Empty or masked cells (`NC`, `.c`, …) of summed rows: left out, never read as 0.
    public internal(set) var maskedCells: [PHMEVMeasure: Int] = [:]
    /// Cells that are not numbers, or boxes that are not whole: left out.
    public internal(set) var invalidCells: [PHMEVMeasure: Int] = [:]
    /// Negative cells (regularisations): summed, counted here.
    public internal(set) var negativeCells: [PHMEVMeasure: Int] = [:]
    /// Amounts with more than 2 decimals (float conversions such as `12.300000000000001`):
    /// rounded to the cent half away from zero, counted here.
    public internal(set) var roundedCells: [PHMEVMeasure: Int] = [:]
    /// All problems found (the aggregate keeps only the first ones).
    public internal(set) var problems = 0
    /// Whether the file was read in parallel byte ranges (else in one stream).
    public internal(set) var parallelChunks = 1

    public init() {}

    /// French summary for the import report.
    public var description: String {
        func list<K: Comparable>(_ counts: [K: Int], _ name: (K) -> String) -> String {
            let parts = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\(name($0.key)) \($0.value)" }
            return parts.isEmpty ? "aucune" : parts.joined(separator: ", ")
        }
        var lines = ["lignes lues : \(rowsRead)"]
        lines.append("lignes retenues par classe : " + list(rowsByClass) { $0.description })
        lines.append("lignes d'autres médicaments : \(rowsOutsideClasses)")
        lines.append("lignes à code ATC masqué pouvant relever d'une classe (non comptées) : "
            + list(rowsUndetermined) { $0.description })
        lines.append("lignes écartées, FINESS mal formé : \(rowsBadFINESSFormat) ; clé FINESS fausse : \(rowsBadFINESSKey)")
        lines.append("valeurs masquées ou vides (non comptées, jamais lues comme 0) : " + list(maskedCells) { $0.rawValue })
        lines.append("valeurs non numériques (non comptées) : " + list(invalidCells) { $0.rawValue })
        lines.append("valeurs négatives (régularisations, comptées) : " + list(negativeCells) { $0.rawValue })
        lines.append("montants arrondis au centime : " + list(roundedCells) { $0.rawValue })
        return lines.joined(separator: "\n")
    }
}
