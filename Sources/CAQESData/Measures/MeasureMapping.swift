import CAQESCore
import Foundation

/// How a wide file maps to measures: which column holds the FINESS, where the year comes from,
/// and which column is which measure. Saved by name and reused (issue: generic measures import).
public struct MeasureMapping: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var column: String
        public var measure: String
        public init(column: String, measure: String) { self.column = column; self.measure = measure }
    }

    public var finessColumn: String
    /// The column holding the year, or nil when `fixedYear` gives it.
    public var yearColumn: String?
    public var fixedYear: Int?
    public var columns: [Column]
    /// Rates and margins may be negative; amounts and counts may not.
    public var allowNegative: Bool

    public init(finessColumn: String, yearColumn: String? = nil, fixedYear: Int? = nil, columns: [Column], allowNegative: Bool = false) {
        self.finessColumn = finessColumn
        self.yearColumn = yearColumn
        self.fixedYear = fixedYear
        self.columns = columns
        self.allowNegative = allowNegative
    }

    /// `COLONNE=mesure` pairs, as given on the command line.
    public static func parsePairs(_ pairs: [String]) throws(MappingError) -> [Column] {
        try pairs.map { (pair: String) throws(MappingError) -> Column in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .badPair(pair) }
            return Column(column: parts[0], measure: parts[1])
        }
    }
}

public enum MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    case badPair(String)
    case noYear
    case noColumns

    public var description: String {
        switch self {
        case .badPair(let pair): "correspondance « \(pair) » invalide : attendu COLONNE=mesure"
        case .noYear: "année inconnue : donnez --year ANNEE, ou une colonne d'année dans la correspondance"
        case .noColumns: "aucune colonne de mesure : donnez au moins une correspondance COLONNE=mesure"
        }
    }
}

/// Reads a wide file (one row per establishment, one column per measure) through a mapping.
/// Empty cells are "not provided" and skipped; masked cells are kept as masked. A row that repeats
/// an establishment's values for the same year is noted and skipped (D25: one note per row, naming
/// both lines and the measures); a different value for the same (FINESS, measure, year) refuses
/// the file, naming both lines.
public enum WideMeasuresFile {
    /// - Parameter limits: how many problems and notes are listed (the others are counted).
    public static func parse(_ reader: CSVReader, mapping: MeasureMapping, knownMeasures: Set<String>? = nil,
                             limits: ReadLimits = .standard) throws(CSVError) -> ParseOutcome<MeasureRecord> {
        var required = [mapping.finessColumn] + mapping.columns.map(\.column)
        if let yearColumn = mapping.yearColumn { required.append(yearColumn) }
        let index = try reader.requireColumns(required)
        let finessIndex = index[0]
        let valueIndexes = Array(index[1...mapping.columns.count])
        let yearIndex = mapping.yearColumn == nil ? nil : index.last
        var records: [MeasureRecord] = []
        var problems = ProblemList(limit: limits.maximumListedProblems)
        var notes = ProblemList(limit: limits.maximumListedProblems, noun: "remarque")
        var seen: [String: Duplicates.First] = [:]
        var rows = 0
        if let knownMeasures {
            for column in mapping.columns where !knownMeasures.contains(column.measure) {
                problems.append(RowProblem(line: 1, column: column.column, value: column.measure, reason: "mesure inconnue du catalogue"))
            }
            if !problems.isEmpty { return ParseOutcome(records: [], problems: problems, rowCount: 0) }
        }
        while try reader.advance() {
            let row = reader.current
            rows += 1
            let rawFINESS = row.trimmed(finessIndex)
            // Exports from ScanSanté and spreadsheets end with a « Total » line that names no establishment.
            if rawFINESS.isEmpty, (0..<row.count).contains(where: { row.trimmed($0).lowercased() == "total" }) {
                notes.append(RowProblem(line: row.line, column: mapping.finessColumn, value: "",
                                        reason: "ligne « Total » sans FINESS : ignorée"))
                continue
            }
            let finess: FINESS
            do { finess = try FINESS(rawFINESS) } catch {
                problems.append(RowProblem(line: row.line, column: mapping.finessColumn, value: rawFINESS, reason: FINESSExtract.reason(error)))
                continue
            }
            var year = mapping.fixedYear
            if let yearIndex {
                let raw = row.trimmed(yearIndex)
                guard let parsed = Int(raw), LongMeasuresFile.years.contains(parsed) else {
                    problems.append(RowProblem(line: row.line, column: mapping.yearColumn ?? "", value: raw,
                                               reason: "année invalide (attendu : un entier de \(LongMeasuresFile.years.lowerBound) à \(LongMeasuresFile.years.upperBound))"))
                    continue
                }
                year = parsed
            }
            guard let year else { continue }
            // Measures this row repeats with the same value, by the line that first gave them.
            var repeated: [(first: Int, measures: [String])] = []
            for (column, cell) in zip(mapping.columns, valueIndexes) {
                let raw = row.trimmed(cell)
                let value: MeasureRecord.Value
                do {
                    switch try FrenchNumber.parse(raw) {
                    case .empty: continue
                    case .masked(let reason): value = .masked(reason: reason)
                    case .number(let number):
                        if number < 0 && !mapping.allowNegative {
                            problems.append(RowProblem(line: row.line, column: column.column, value: raw,
                                                       reason: "valeur négative : un montant ou un effectif ne peut pas être négatif"))
                            continue
                        }
                        value = .number(number)
                    }
                } catch {
                    problems.append(RowProblem(line: row.line, column: column.column, value: raw, reason: error.reason))
                    continue
                }
                let key = "\(finess.value)|\(column.measure)|\(year)"
                if let first = seen[key] {
                    if first.value == value {
                        if let at = repeated.firstIndex(where: { $0.first == first.line }) {
                            repeated[at].measures.append(column.measure)
                        } else {
                            repeated.append((first.line, [column.measure]))
                        }
                    } else {
                        problems.append(RowProblem(line: row.line, column: column.column, value: raw,
                                                   reason: Duplicates.conflict(first, raw: raw, "(\(finess.value), \(column.measure), \(year))")))
                    }
                    continue
                }
                seen[key] = Duplicates.First(line: row.line, value: value, raw: raw)
                records.append(MeasureRecord(finess: finess, measure: column.measure, year: year, value: value, line: row.line))
            }
            for (first, measures) in repeated.sorted(by: { $0.first < $1.first }) {
                let what = "(\(finess.value), \(measures.joined(separator: ", ")), \(year))"
                notes.append(RowProblem(line: row.line, column: mapping.finessColumn, value: finess.value,
                                        reason: Duplicates.sameValue(line: first, what)))
            }
        }
        return ParseOutcome(records: records, problems: problems, rowCount: rows, notes: notes)
    }
}
