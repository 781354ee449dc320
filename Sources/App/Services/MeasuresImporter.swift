import CAQESCore
import CAQESData
import Fluent
import SQLKit
import Vapor

/// Options of a measures import, from the command line, the page or the API.
struct MeasuresImportOptions: Sendable {
    var year: Int?
    /// A wide file's mapping; nil for the long format and the built-in adapters.
    var mapping: MeasureMapping?
    var skipUnknown = false
    var dryRun = false
    /// Values of a newer version of the same source and year replace the older ones.
    var source: String?
    /// Whose establishments the file may touch: a row outside it refuses the file.
    var scope: AccessScope = .all
}

/// What a measures import found or did.
struct MeasuresImportReport: Sendable {
    var importID: UUID?
    var status: ImportStatus
    var rows: Int
    var stored: Int
    var replaced: Int
    var masked: Int
    var skipped: [RowProblem]
    var problems: [RowProblem]
    /// Facts about the file that refuse nothing (identical duplicate rows…).
    var notes: [RowProblem] = []
    /// Regions of the establishments the file carries.
    var regions: Set<String> = []
    var preview: [[String]]
    var dialect: String
    var source: String
    var years: [Int]
    var alreadyImported: Date?
    /// Counters of a claims file (rows per class, masked cells…), in French.
    var details: String?

    var summary: String {
        if let alreadyImported {
            return "Ce fichier a déjà été importé le \(FrenchFormat.dateTime(alreadyImported)) pour la source « \(source) » : rien à faire."
        }
        if status == .refused {
            return "Fichier refusé : \(problems.count) erreur(s). Rien n'a été enregistré."
        }
        let yearsText = years.map(String.init).joined(separator: ", ")
        var text = "\(FrenchFormat.integer(rows)) ligne(s) lue(s), \(FrenchFormat.integer(stored)) valeur(s) \(importID == nil ? "à enregistrer" : "enregistrée(s)") (source « \(source) », année(s) \(yearsText))"
        if masked > 0 { text += ", dont \(FrenchFormat.integer(masked)) masquée(s)" }
        if replaced > 0 { text += ", \(FrenchFormat.integer(replaced)) valeur(s) de la version précédente remplacée(s) (conservées dans l'historique)" }
        if !skipped.isEmpty { text += ", \(FrenchFormat.integer(skipped.count)) ligne(s) ignorée(s)" }
        if !notes.isEmpty { text += ", \(FrenchFormat.integer(notes.count)) remarque(s) (ligne « Total », doublon identique…)" }
        return text + "." + (details.map { "\n" + $0 } ?? "")
    }
}

/// Imports measure values: validates every row, checks every FINESS against the registry, then
/// writes the new version of the source in one transaction, or nothing.
struct MeasuresImporter {
    let db: any Database
    let logger: Logger
    let clock: AppClock
    var progress: @Sendable (ImportProgress) -> Void = { _ in }

    static let previewRows = 20
    /// 2,000 rows × 12 columns stay under SQLite's 32,766 bound values.
    static let batchSize = 2_000

    func run(kind: ImportKind, path: String, fileName: String, options: MeasuresImportOptions, actor: AuditActor,
             importID: UUID = UUID()) async throws -> MeasuresImportReport {
        let source = options.source ?? Self.defaultSource(kind: kind, fileName: fileName)
        // The file's SHA-256 (no-op check, audit) is computed on its own core while the file is parsed.
        async let digest = RegistryImporter.offload { try FileDigest.sha256(path: path) }
        progress(ImportProgress(phase: "Lecture et validation", fraction: 0.05, rows: 0))
        let parsed = try await RegistryImporter.offload { try Self.parse(kind: kind, path: path, options: options) }
        let (sha, size) = try await digest
        var report = MeasuresImportReport(importID: nil, status: .done, rows: parsed.outcome.rowCount, stored: 0, replaced: 0,
                                          masked: 0, skipped: parsed.notes, problems: parsed.outcome.problems, preview: [],
                                          dialect: parsed.dialect, source: source, years: [], alreadyImported: nil)
        report.details = parsed.summary
        // Rows the reader left out on purpose (a « Total » line, a duplicate repeating the same value).
        report.notes = parsed.outcome.notes
        if options.skipUnknown {
            // Told to skip unknown establishments: rows with an unusable FINESS are skipped and listed too.
            report.skipped += report.problems.filter { $0.column.lowercased() == "etb_rgt" }
            report.problems.removeAll { $0.column.lowercased() == "etb_rgt" }
        }
        // Every FINESS must be in the registry (ET or EJ): never created silently. And it must be in
        // the importer's scope: an analyst's file never touches another region's establishments.
        let known = try await knownFINESS(among: Set(parsed.outcome.records.map(\.finess.value)))
        var records: [MeasureRecord] = []
        for record in parsed.outcome.records {
            guard let subject = known[record.finess.value] else {
                let problem = RowProblem(line: record.line, column: "finess", value: record.finess.value,
                                         reason: "établissement absent du registre FINESS")
                if options.skipUnknown { report.skipped.append(problem) } else { report.problems.append(problem) }
                continue
            }
            guard subject.allowed(by: options.scope) else {
                report.problems.append(RowProblem(line: record.line, column: "finess", value: record.finess.value,
                                                  reason: "établissement hors de votre périmètre (région \(subject.region ?? "inconnue"))"))
                continue
            }
            if let region = subject.region { report.regions.insert(region) }
            records.append(record)
        }
        report.problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        report.skipped = Self.unique(report.skipped)
        report.problems = Self.unique(report.problems)
        report.stored = records.count
        report.masked = records.filter { if case .masked = $0.value { true } else { false } }.count
        report.years = Array(Set(records.map(\.year))).sorted()
        report.preview = records.prefix(Self.previewRows).map { [$0.finess.value, $0.measure, String($0.year), Self.text($0.value).raw] }
        // The same content for the same source and years is already there: nothing to do.
        if !options.dryRun, let previous = try await ImportRun.query(on: db)
            .filter(\.$source == source).filter(\.$fileSHA256 == sha).filter(\.$status == ImportStatus.done.rawValue)
            .filter(\.$years == report.years.map(String.init).joined(separator: ","))
            .sort(\.$startedAt, .descending).first() {
            report.importID = previous.id
            report.alreadyImported = previous.startedAt
            report.stored = 0
            return report
        }
        if !report.problems.isEmpty {
            report.status = .refused
            if !options.dryRun {
                report.importID = importID
                try await refuse(report: report, kind: kind, fileName: fileName, sha: sha, size: size, actor: actor, id: importID)
            }
            return report
        }
        guard !options.dryRun else { return report }
        report.importID = importID
        report.replaced = try await commit(records, report: report, kind: kind, fileName: fileName, sha: sha, size: size,
                                           actor: actor, id: importID)
        return report
    }

    /// A FINESS reported once per row, not once per measure of a wide row.
    static func unique(_ problems: [RowProblem]) -> [RowProblem] {
        var seen = Set<RowProblem>()
        return problems.filter { seen.insert($0).inserted }
    }

    static func defaultSource(kind: ImportKind, fileName: String) -> String {
        switch kind {
        case .measures: ((fileName as NSString).lastPathComponent as NSString).deletingPathExtension
        default: kind.rawValue
        }
    }

    struct Parsed: Sendable {
        let outcome: ParseOutcome<MeasureRecord>
        let dialect: String
        /// Rows left out of sums without refusing the file (masked or invalid cells of a claims file).
        var notes: [RowProblem] = []
        var summary: String?
    }

    static func parse(kind: ImportKind, path: String, options: MeasuresImportOptions) throws -> Parsed {
        let reader: CSVReader
        var sheet: String?
        if InputFormat.detect(path: path) == .xlsx {
            // A workbook: its first sheet (or the named one) becomes CSV with the sheet's row numbers.
            let table = try XLSXWorkbook(path: path).table()
            reader = try CSVReader(data: table.csvBytes(), dialect: CSVDialect(encoding: .utf8, hasBOM: false, separator: 0x3B))
            sheet = table.sheetName
        } else {
            reader = try CSVReader(path: path)
        }
        let outcome: ParseOutcome<MeasureRecord>
        switch kind {
        case .sae: outcome = try BuiltInAdapter.saeMCO.parse(reader, year: options.year)
        case .hospidiag:
            guard let year = options.year else { throw UserFacingError(.badRequest, MappingError.noYear.description) }
            outcome = try BuiltInAdapter.hospiDiag.parse(reader, year: year)
        case .measures:
            if let mapping = options.mapping {
                outcome = try WideMeasuresFile.parse(reader, mapping: mapping)
            } else if reader.columnIndex("mesure") != nil && reader.columnIndex("valeur") != nil {
                outcome = try LongMeasuresFile.parse(reader)
            } else {
                throw UserFacingError(.badRequest, "format non reconnu : ni format long (finess;mesure;annee;valeur), ni correspondance donnée (--map COLONNE=mesure ou --mapping NOM). Colonnes du fichier : \(reader.header.joined(separator: ", ")).")
            }
        case .phmev:
            guard let year = options.year else { throw UserFacingError(.badRequest, MappingError.noYear.description) }
            return try parsePHMEV(path: path, year: year, dialect: reader.dialect.label)
        case .finess, .status:
            throw UserFacingError(.badRequest, "type d'import « \(kind.rawValue) » non géré ici")
        }
        return Parsed(outcome: outcome, dialect: sheet.map { "classeur Excel (XLSX), feuille « \($0) »" } ?? reader.dialect.label)
    }

    /// Open PHMEV: streamed and summed per prescriber FINESS on every core (bounded memory). Rows
    /// with a malformed FINESS are errors; masked or invalid cells are left out of the sums and
    /// reported, never read as zero.
    static func parsePHMEV(path: String, year: Int, dialect: String) throws -> Parsed {
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let aggregate = try PHMEVAggregator.aggregate(path: path, year: year, threads: threads)
        var problems: [RowProblem] = []
        var notes: [RowProblem] = []
        for problem in aggregate.problems {
            if problem.column.lowercased() == "etb_rgt" { problems.append(problem) } else { notes.append(problem) }
        }
        let records = aggregate.measureRows.map {
            MeasureRecord(finess: $0.finess, measure: $0.name, year: $0.year, value: .number($0.value), line: 0)
        }
        return Parsed(outcome: ParseOutcome(records: records, problems: problems, rowCount: aggregate.counters.rowsRead),
                      dialect: dialect, notes: notes, summary: aggregate.counters.description)
    }

    static func text(_ value: MeasureRecord.Value) -> (kind: String, value: String?, raw: String, reason: String?) {
        switch value {
        case .number(let number): ("number", number.description, number.description, nil)
        case .grade(let grade): ("grade", String(grade), String(grade), nil)
        case .masked(let reason): ("masked", nil, "masqué", reason)
        }
    }

    /// Where a FINESS of the registry stands, for scope checks.
    struct Subject: Sendable {
        let region: String?
        let department: String?
        let holder: String?

        /// A site by its own attributes; a legal entity by its region (ARS, experts), department
        /// (insurers) or as a holder itself (establishment staff).
        func allowed(by scope: AccessScope) -> Bool {
            scope.allows(regionCode: region, departmentCode: department ?? "", holderFINESS: holder ?? "", legalEntityFINESS: "")
        }
    }

    /// The FINESS numbers of these that the registry holds (as ET or EJ), with where they stand.
    private func knownFINESS(among candidates: Set<String>) async throws -> [String: Subject] {
        let sql = db as! any SQLDatabase
        struct SiteRow: Decodable { let finess: String; let region_code: String?; let department_code: String; let holder_finess: String }
        struct EntityRow: Decodable { let finess: String; let region_code: String?; let department_code: String? }
        var known: [String: Subject] = [:]
        for chunk in Array(candidates).chunked(into: 1_000) {
            let entities = try await sql.select().columns("finess", "region_code", "department_code").from("legal_entities")
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: EntityRow.self)
            for entity in entities {
                known[entity.finess] = Subject(region: entity.region_code, department: entity.department_code, holder: entity.finess)
            }
            let sites = try await sql.select().columns("finess", "region_code", "department_code", "holder_finess").from("sites")
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: SiteRow.self)
            for site in sites {
                known[site.finess] = Subject(region: site.region_code, department: site.department_code, holder: site.holder_finess)
            }
        }
        return known
    }
}
