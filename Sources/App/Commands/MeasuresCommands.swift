import CAQESCore
import CAQESData
import Fluent
import Vapor

/// `caqes import measures|sae|hospidiag FILE …`: measures into the database.
struct ImportMeasuresCommand: AsyncCommand {
    let kind: ImportKind

    struct Signature: CommandSignature {
        @Argument(name: "fichier", help: "Chemin du fichier CSV.") var file: String
        @Option(name: "year", help: "Année des valeurs (si le fichier ne la donne pas).") var year: Int?
        @Option(name: "finess-column", help: "Colonne du FINESS (fichier large).") var finessColumn: String?
        @Option(name: "year-column", help: "Colonne de l'année (fichier large).") var yearColumn: String?
        @Option(name: "map", help: "Correspondances COLONNE=mesure, séparées par des virgules.") var map: String?
        @Option(name: "mapping", help: "Correspondance enregistrée à réutiliser.") var mapping: String?
        @Option(name: "save-mapping", help: "Enregistre la correspondance sous ce nom.") var saveMapping: String?
        @Option(name: "source", help: "Nom de la source (une nouvelle version remplace les valeurs de la même source et année).") var source: String?
        @Flag(name: "dry-run", help: "Vérifie et montre l'aperçu sans rien enregistrer.") var dryRun: Bool
        @Flag(name: "skip-unknown", help: "Ignore (et liste) les établissements absents du registre.") var skipUnknown: Bool
        init() {}
    }

    var help: String {
        switch kind {
        case .sae: "Importe le bordereau MCO de la SAE (séjours de chirurgie complète et ambulatoire)."
        case .hospidiag: "Importe les indicateurs P de Hospi Diag (--year obligatoire)."
        default: "Importe des mesures : format long finess;mesure;annee;valeur, ou fichier large avec une correspondance."
        }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        var mapping: MeasureMapping?
        if kind == .measures {
            mapping = try await Self.mapping(signature: signature, db: app.db)
            if let name = signature.saveMapping, let mapping {
                try await MappingStore.save(name: name, mapping: mapping, by: AuditActor.commandLine(), at: app.clock.now(), db: app.db)
                context.console.print("Correspondance « \(name) » enregistrée.")
            }
        }
        let options = MeasuresImportOptions(year: signature.year, mapping: mapping, skipUnknown: signature.skipUnknown,
                                            dryRun: signature.dryRun, source: signature.source)
        try await Self.perform(app: app, kind: kind, path: signature.file, options: options, console: context.console)
    }

    static func perform(app: Application, kind: ImportKind, path: String, options: MeasuresImportOptions, console: any Console) async throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw CommandFailure("fichier introuvable ou illisible : \(path)") }
        let line = ProgressLine()
        var importer = MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
        importer.progress = { line.show($0) }
        let name = (path as NSString).lastPathComponent
        let report: MeasuresImportReport
        do {
            report = try await importer.run(kind: kind, path: path, fileName: name, options: options, actor: .commandLine())
        } catch let error as CSVError {
            line.finish()
            throw CommandFailure("\(name) : \(error.description)")
        } catch let error as UserFacingError {
            line.finish()
            throw CommandFailure("\(name) : \(error.message)")
        }
        line.finish()
        console.print("Format détecté : \(report.dialect)")
        for problem in report.skipped.prefix(100) { console.warning("\(name), \(problem.description) — ignorée") }
        if report.skipped.count > 100 { console.warning("… et \(report.skipped.count - 100) autre(s) ligne(s) ignorée(s).") }
        if options.dryRun && report.status != .refused {
            console.print("Aperçu (finess;mesure;annee;valeur) :")
            for row in report.preview { console.print("  " + row.joined(separator: ";")) }
        }
        if report.status == .refused {
            let shown = report.problems.prefix(100).map { "\(name), \($0.description)" }
            let more = report.problems.count > 100 ? ["… et \(report.problems.count - 100) autre(s) erreur(s)."] : []
            throw CommandFailure((shown + more + [report.summary]).joined(separator: "\n"))
        }
        console.print((options.dryRun ? "Simulation : " : "") + report.summary)
    }

    static func mapping(signature: Signature, db: any Database) async throws -> MeasureMapping? {
        if let name = signature.mapping {
            guard var mapping = try await MappingStore.load(name: name, db: db) else {
                throw CommandFailure("correspondance inconnue « \(name) »")
            }
            if let year = signature.year { mapping.fixedYear = year; mapping.yearColumn = nil }
            return mapping
        }
        guard let map = signature.map else { return nil }
        let columns: [MeasureMapping.Column]
        do { columns = try MeasureMapping.parsePairs(map.split(separator: ",").map(String.init)) }
        catch { throw CommandFailure(error.description) }
        guard signature.year != nil || signature.yearColumn != nil else { throw CommandFailure(MappingError.noYear.description) }
        return MeasureMapping(finessColumn: signature.finessColumn ?? "finess", yearColumn: signature.yearColumn,
                              fixedYear: signature.year, columns: columns)
    }
}

/// Saved mappings (JSON in the database). A mapping belongs to a region, or is global when an
/// administrator (or the command line) saved it; nobody overwrites another region's mapping.
enum MappingStore {
    /// The region a mapping saved by this scope belongs to (nil: global).
    static func owner(of scope: AccessScope) -> String? {
        if case .regions(let codes) = scope { return codes.sorted().first }
        return nil
    }

    /// Whether a mapping of `region` (nil: global) is visible to this scope.
    static func visible(region: String?, to scope: AccessScope) -> Bool {
        switch scope {
        case .all: true
        case .regions(let codes): region.map(codes.contains) ?? true
        default: region == nil
        }
    }

    static func save(name: String, mapping: MeasureMapping, by actor: AuditActor, scope: AccessScope = .all,
                     at date: Date, db: any Database) async throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard (1...80).contains(name.count) else {
            throw UserFacingError(.unprocessableEntity, "Nom de correspondance invalide : 1 à 80 caractères.")
        }
        let data = try JSONEncoder().encode(mapping)
        let owner = owner(of: scope)
        let existing = try await ImportMappingRecord.find(name, on: db)
        if let existing, existing.regionCode != owner, scope != .all {
            let whose = existing.regionCode.map { "à la région \($0)" } ?? "à toutes les régions (enregistrée par un administrateur)"
            throw UserFacingError(.conflict, "La correspondance « \(name) » appartient \(whose) : choisissez un autre nom.")
        }
        let record = existing ?? ImportMappingRecord()
        record.id = name
        record.definition = String(decoding: data, as: UTF8.self)
        record.createdBy = actor.label
        if existing == nil { record.regionCode = owner }
        try await db.transaction { db in
            try await record.save(on: db)
            try await AuditLog.append(on: db, actor: actor, action: "enregistrement de correspondance", target: "correspondance \(name)",
                                      details: record.definition, at: date)
        }
    }

    static func load(name: String, scope: AccessScope = .all, db: any Database) async throws -> MeasureMapping? {
        guard let record = try await ImportMappingRecord.find(name, on: db), visible(region: record.regionCode, to: scope) else { return nil }
        return try JSONDecoder().decode(MeasureMapping.self, from: Data(record.definition.utf8))
    }

    /// Names of the mappings this scope may use.
    static func names(scope: AccessScope, db: any Database) async throws -> [String] {
        try await ImportMappingRecord.query(on: db).sort(\.$id).all()
            .filter { visible(region: $0.regionCode, to: scope) }.compactMap(\.id)
    }
}

/// `caqes measures export [--measure M] [--year Y] [--region R]`: current values, long format.
struct MeasuresCommandGroup: AsyncCommandGroup {
    var help: String { "Mesures enregistrées." }
    var commands: [String: any AnyAsyncCommand] { ["export": ExportMeasuresCommand()] }
}

struct ExportMeasuresCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "measure", help: "Code de mesure.") var measure: String?
        @Option(name: "year", help: "Année.") var year: Int?
        @Option(name: "region", help: "Code de région.") var region: String?
        init() {}
    }

    var help: String { "Exporte les mesures (finess;mesure;annee;valeur, UTF-8, « ; »)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let rows = try await MeasureRepository(db: app.db).current(measures: signature.measure.map { [$0] }, year: signature.year,
                                                                 region: signature.region)
        var table = [["finess", "mesure", "annee", "valeur"]]
        // Decimal point on output: the long format reads both, and a point survives every tool.
        table += rows.map { [$0.finess, $0.measure, String($0.year), $0.kind == "masked" ? ".c" : ($0.value ?? "")] }
        AnalystInput.write(table)
    }
}
