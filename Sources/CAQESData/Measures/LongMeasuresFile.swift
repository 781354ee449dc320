import CAQESCore
import Foundation

/// One value of the long measures format `finess;mesure;annee;valeur`.
public struct MeasureRecord: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case number(Decimal)
        /// Conciliation-style grades `A`…`D` (D11).
        case grade(Character)
        /// Kept as masked with its reason, never as zero.
        case masked(reason: String)
    }

    public var finess: FINESS
    public var measure: String
    public var year: Int
    public var value: Value
    public var line: Int

    public init(finess: FINESS, measure: String, year: Int, value: Value, line: Int) {
        self.finess = finess
        self.measure = measure
        self.year = year
        self.value = value
        self.line = line
    }
}

/// Reads the long measures format: one value per line, `finess;mesure;annee;valeur`, French or
/// point decimals, masked values kept as masked. Every bad row is reported; nothing is guessed.
public enum LongMeasuresFile {
    public static let columns = ["finess", "mesure", "annee", "valeur"]
    public static let years = 1990...2100

    /// A value given twice for the same (FINESS, measure, year) is noted and skipped when it is the
    /// same value (D25), and refuses the file, naming both lines, when it differs.
    /// - Parameters:
    ///   - knownMeasures: when given, a measure code outside it is an error naming the file's line.
    ///   - limits: how many problems and notes are listed (the others are counted).
    public static func parse(_ reader: CSVReader, knownMeasures: Set<String>? = nil,
                             limits: ReadLimits = .standard) throws(CSVError) -> ParseOutcome<MeasureRecord> {
        let index = try reader.requireColumns(columns)
        let names = reader.header
        var records: [MeasureRecord] = []
        var problems = ProblemList(limit: limits.maximumListedProblems)
        var notes = ProblemList(limit: limits.maximumListedProblems, noun: "remarque")
        var seen: [String: Duplicates.First] = [:]
        var rows = 0
        while try reader.advance() {
            let row = reader.current
            rows += 1
            var rowProblems: [RowProblem] = []
            func problem(_ column: Int, _ value: String, _ reason: String) {
                rowProblems.append(RowProblem(line: row.line, column: names[index[column]], value: value, reason: reason))
            }
            let rawFINESS = row.trimmed(index[0])
            var finess: FINESS?
            do { finess = try FINESS(rawFINESS) } catch { problem(0, rawFINESS, FINESSExtract.reason(error)) }
            let measure = row.trimmed(index[1])
            if measure.isEmpty {
                problem(1, measure, "code de mesure manquant")
            } else if let knownMeasures, !knownMeasures.contains(measure) {
                problem(1, measure, "mesure inconnue du catalogue")
            }
            let rawYear = row.trimmed(index[2])
            let year = Int(rawYear)
            if year == nil || !years.contains(year!) {
                problem(2, rawYear, "année invalide (attendu : un entier de \(years.lowerBound) à \(years.upperBound))")
            }
            let rawValue = row.trimmed(index[3])
            var value: MeasureRecord.Value?
            if rawValue.count == 1, let grade = rawValue.uppercased().first, ("A"..."D").contains(grade) {
                value = .grade(grade)
            } else {
                do {
                    switch try FrenchNumber.parse(rawValue) {
                    case .number(let number):
                        if number < 0 { problem(3, rawValue, "valeur négative : un montant ou un effectif ne peut pas être négatif") }
                        else { value = .number(number) }
                    case .masked(let reason): value = .masked(reason: reason)
                    case .empty: problem(3, rawValue, "valeur manquante")
                    }
                } catch {
                    problem(3, rawValue, error.reason)
                }
            }
            if let finess, let year, !measure.isEmpty {
                let key = "\(finess.value)|\(measure)|\(year)"
                let what = "(\(finess.value), \(measure), \(year))"
                if let first = seen[key] {
                    if rowProblems.isEmpty, let value, first.value == value {
                        notes.append(RowProblem(line: row.line, column: names[index[0]], value: finess.value,
                                                reason: Duplicates.sameValue(line: first.line, what)))
                        continue
                    }
                    problem(0, finess.value, Duplicates.conflict(first, raw: rawValue, what))
                } else {
                    seen[key] = Duplicates.First(line: row.line, value: rowProblems.isEmpty ? value : nil, raw: rawValue)
                }
            }
            guard rowProblems.isEmpty, let finess, let year, let value else { problems.append(contentsOf: rowProblems); continue }
            records.append(MeasureRecord(finess: finess, measure: measure, year: year, value: value, line: row.line))
        }
        return ParseOutcome(records: records, problems: problems, rowCount: rows, notes: notes)
    }
}

/// D25: what a measures file says when it gives the same (FINESS, measure, year) twice.
enum Duplicates {
    /// The first line that gave a key, with its value when that line was valid.
    struct First {
        let line: Int
        let value: MeasureRecord.Value?
        let raw: String
    }

    /// The note on a repeated identical value, which is skipped.
    static func sameValue(line first: Int, _ what: String) -> String {
        "même valeur que ligne \(first) pour \(what) : doublon ignoré"
    }

    /// The problem on a repeated key whose value differs (or cannot be compared): both lines named.
    static func conflict(_ first: First, raw: String, _ what: String) -> String {
        guard first.value != nil else { return "valeur en double pour \(what) : déjà donnée ligne \(first.line)" }
        return "valeur en double pour \(what) : « \(first.raw) » ligne \(first.line), « \(raw) » sur cette ligne"
    }
}

/// One line of an analyst's registry file `finess;categorie;region` (categories and regions for
/// population statistics when no database is used).
public struct RegistryLine: Sendable, Equatable {
    public var finess: FINESS
    public var category: String?
    public var region: String?
}

public enum RegistryFile {
    public static func parse(_ reader: CSVReader) throws(CSVError) -> ParseOutcome<RegistryLine> {
        try parse(reader, limits: .standard)
    }

    /// - Parameter limits: how many problems are listed (the others are counted).
    public static func parse(_ reader: CSVReader, limits: ReadLimits) throws(CSVError) -> ParseOutcome<RegistryLine> {
        let index = try reader.requireColumns(["finess"])
        let category = reader.columnIndex("categorie")
        let region = reader.columnIndex("region")
        var records: [RegistryLine] = []
        var problems = ProblemList(limit: limits.maximumListedProblems)
        var rows = 0
        while try reader.advance() {
            let row = reader.current
            rows += 1
            let raw = row.trimmed(index[0])
            do {
                let finess = try FINESS(raw)
                let cat = category.map { row.trimmed($0) }.flatMap { $0.isEmpty ? nil : $0 }
                let reg = region.map { row.trimmed($0) }.flatMap { $0.isEmpty ? nil : $0 }
                records.append(RegistryLine(finess: finess, category: cat, region: reg))
            } catch {
                problems.append(RowProblem(line: row.line, column: reader.header[index[0]], value: raw, reason: FINESSExtract.reason(error)))
            }
        }
        return ParseOutcome(records: records, problems: problems, rowCount: rows)
    }
}
