import CAQESCore
import CAQESData
import Crypto
import Fluent
import SQLKit
import Vapor

/// What an import did, for the CLI, the page and the audit trail.
struct ImportReport: Sendable {
    var importID: UUID
    var kind: ImportKind
    var status: ImportStatus
    var rows: Int
    var created: Int
    var updated: Int
    var unchanged: Int
    var skipped: [RowProblem]
    var problems: [RowProblem]
    var dialect: String
    var seconds: Double
    /// Sites whose status (taken from their legal entity) or holder the import recomputed.
    var derived = 0

    var summary: String {
        switch status {
        case .refused:
            return "Fichier refusé : \(problems.count) ligne(s) en erreur sur \(FrenchFormat.integer(rows)). Rien n'a été enregistré."
        default:
            var text = "\(kind.label) : \(FrenchFormat.integer(rows)) ligne(s) lue(s), \(FrenchFormat.integer(created)) créée(s), \(FrenchFormat.integer(updated)) modifiée(s), \(FrenchFormat.integer(unchanged)) inchangée(s)"
            if !skipped.isEmpty { text += ", \(FrenchFormat.integer(skipped.count)) ignorée(s) (absentes du registre)" }
            if derived > 0 { text += " ; statut ou titulaire recalculé pour \(FrenchFormat.integer(derived)) établissement(s)" }
            return text + " en " + String(format: "%.1f", seconds).replacingOccurrences(of: ".", with: ",") + " s."
        }
    }
}

/// Imports the registry files (FINESS extract, legal statuses): validates every row first, then
/// writes everything in one transaction, or nothing. Re-importing the same content changes nothing.
/// Either import ends by re-deriving every site's status and holder (`deriveStatusesAndHolders`),
/// so the order of the imports does not matter.
struct RegistryImporter {
    let db: any Database
    let logger: Logger
    let clock: AppClock
    var progress: @Sendable (ImportProgress) -> Void = { _ in }

    static let batchSize = 400

    func run(kind: ImportKind, path: String, fileName: String, actor: AuditActor, acceptBadKeys: Bool = false,
             importID: UUID = UUID()) async throws -> ImportReport {
        let started = clock.now()
        let (sha, size) = try FileDigest.sha256(path: path)
        let run = ImportRun(id: importID, kind: kind, fileName: fileName, sha256: sha, size: size, actor: actor, at: started)
        try await run.create(on: db)
        do {
            var report = try await perform(kind: kind, path: path, fileName: fileName, actor: actor,
                                           acceptBadKeys: acceptBadKeys, run: run)
            report.seconds = clock.now().timeIntervalSince(started)
            return report
        } catch {
            run.status = ImportStatus.failed.rawValue
            run.message = (error as? CSVError)?.description ?? String(describing: error)
            run.finishedAt = clock.now()
            try? await run.save(on: db)
            throw error
        }
    }

    private func perform(kind: ImportKind, path: String, fileName: String, actor: AuditActor, acceptBadKeys: Bool,
                         run: ImportRun) async throws -> ImportReport {
        let reportProgress = progress
        var report = ImportReport(importID: run.id!, kind: kind, status: .done, rows: 0, created: 0, updated: 0,
                                  unchanged: 0, skipped: [], problems: [], dialect: "", seconds: 0)
        switch kind {
        case .finess:
            let source = FINESSExtract.extractionDate(fromFileName: fileName).map { "FINESS, extraction du \($0)" } ?? "FINESS"
            let (outcome, dialect) = try await Self.offload {
                let reader = try CSVReader(path: path)
                let outcome = try FINESSExtract.parse(reader, acceptBadKeys: acceptBadKeys) { read, total in
                    reportProgress(ImportProgress(phase: "Lecture et validation", fraction: total.map { Double(read) / Double(max($0, 1)) * 0.5 } ?? 0, rows: 0))
                }
                return (outcome, reader.dialect.label)
            }
            run.dialect = dialect
            report.dialect = dialect
            report.rows = outcome.rowCount
            if !outcome.problems.isEmpty { return try await refuse(run, report: report, problems: outcome.problems, actor: actor) }
            try await writeSites(outcome.records, source: source, run: run, report: &report, actor: actor)
        case .status:
            let (outcome, dialect, format) = try await Self.offload {
                let reader = try CSVReader(path: path)
                let outcome = try StatusList.parse(reader)
                return (outcome, reader.dialect.label, StatusList.format(of: reader)?.rawValue ?? "statuts")
            }
            run.dialect = dialect
            report.dialect = dialect
            report.rows = outcome.rowCount
            if !outcome.problems.isEmpty { return try await refuse(run, report: report, problems: outcome.problems, actor: actor) }
            try await writeStatuses(outcome.records, source: "\(format) (\(fileName))", run: run, report: &report, actor: actor)
        case .measures, .sae, .hospidiag, .phmev:
            throw UserFacingError(.badRequest, "« \(kind.label) » n'est pas un fichier du registre")
        }
        return report
    }

    /// Runs CPU-bound parsing off the event loops.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await Task.detached(priority: .userInitiated) { try work() }.value
    }

    private func refuse(_ run: ImportRun, report: ImportReport, problems: [RowProblem], actor: AuditActor) async throws -> ImportReport {
        var report = report
        report.status = .refused
        report.problems = problems
        let rowCount = report.rows
        try await db.transaction { db in
            run.status = ImportStatus.refused.rawValue
            run.rowsTotal = rowCount
            run.errorCount = problems.count
            run.message = "\(problems.count) ligne(s) en erreur : rien n'a été enregistré."
            run.finishedAt = clock.now()
            try await run.save(on: db)
            try await ImportProblem.store(problems, importID: run.id!, on: db)
            try await AuditLog.append(on: db, actor: actor, action: "import refusé",
                                      target: "import \(run.id!.uuidString.lowercased())",
                                      details: "\(run.kind) \(run.fileName) sha256=\(run.fileSHA256) erreurs=\(problems.count)", at: clock.now())
        }
        logger.info("import refused", metadata: ["import-id": .string(run.id!.uuidString), "errors": .stringConvertible(problems.count)])
        return report
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

enum FileDigest {
    /// SHA-256 and size of a file, read in chunks.
    static func sha256(path: String) throws -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UserFacingError(.badRequest, "fichier introuvable ou illisible : \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (hasher.finalize().hex, size)
    }
}
