import CAQESCore
import CAQESData
import Fluent
import SQLKit
import Vapor

extension MeasuresImporter {
    static let valueColumns = ["id", "finess", "measure", "year", "kind", "value", "raw", "mask_reason", "source",
                               "import_id", "line", "current"]

    /// Writes the import record, marks the previous values of (source, year, establishment) that the
    /// file carries as replaced, and
    /// stores the new values, all in one transaction. Returns how many values were replaced.
    func commit(_ records: [MeasureRecord], report: MeasuresImportReport, kind: ImportKind, fileName: String,
                sha: String, size: Int, actor: AuditActor, id: UUID) async throws -> Int {
        let rows: [[any SQLExpression]] = records.map { record in
            let text = Self.text(record.value)
            return [SQLBind(UUID()), SQLBind(record.finess.value), SQLBind(record.measure), SQLBind(record.year),
                    SQLBind(text.kind), SQLBind(text.value), SQLBind(text.raw), SQLBind(text.reason), SQLBind(report.source),
                    SQLBind(id), SQLBind(record.line), SQLBind(true)]
        }
        let progress = self.progress
        let years = report.years
        return try await db.transaction { db in
            let sql = db as! any SQLDatabase
            let run = Self.importRun(report: report, kind: kind, fileName: fileName, sha: sha, size: size, actor: actor, id: id, at: clock.now())
            run.status = ImportStatus.done.rawValue
            run.createdCount = records.count
            try await run.create(on: db)
            // The new version replaces the values of the establishments and years it carries, and
            // only those: another region's values of the same source stay current.
            var replaced = 0
            var subjectsByYear: [Int: Set<String>] = [:]
            for record in records { subjectsByYear[record.year, default: []].insert(record.finess.value) }
            for (year, subjects) in subjectsByYear.sorted(by: { $0.key < $1.key }) {
                for chunk in Array(subjects).sorted().chunked(into: 500) {
                    replaced += try await MeasureValueRecord.query(on: db)
                        .filter(\.$source == report.source).filter(\.$year == year).filter(\.$finess ~~ chunk)
                        .filter(\.$current == true).count()
                    try await sql.update("measure_values").set("current", to: false)
                        .where("source", .equal, report.source)
                        .where("year", .equal, year)
                        .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk)))
                        .where("current", .equal, true)
                        .run()
                }
            }
            var written = 0
            for batch in rows.chunked(into: Self.batchSize) {
                try await sql.insert(into: "measure_values").columns(Self.valueColumns).rows(Array(batch)).run()
                written += batch.count
                progress(ImportProgress(phase: "Enregistrement", fraction: 0.5 + 0.5 * Double(written) / Double(max(rows.count, 1)), rows: written))
            }
            run.updatedCount = replaced
            try await run.save(on: db)
            // Skipped rows are kept with the import, so that the history says which rows did not go in.
            try await ImportProblem.store(report.skipped, importID: id, prefix: "ligne ignorée : ", on: db)
            try await ImportProblem.store(report.notes, importID: id, prefix: "remarque : ", on: db)
            try await AuditLog.append(on: db, actor: actor, action: "import de mesures",
                                      target: "import \(id.uuidString.lowercased())",
                                      details: "\(kind.rawValue) \(fileName) sha256=\(sha) source=\(report.source) années=\(years.map(String.init).joined(separator: ",")) valeurs=\(records.count) remplacées=\(replaced) ignorées=\(report.skipped.count)",
                                      at: clock.now())
            return replaced
        }
    }

    func refuse(report: MeasuresImportReport, kind: ImportKind, fileName: String, sha: String, size: Int,
                actor: AuditActor, id: UUID) async throws {
        try await db.transaction { db in
            let run = Self.importRun(report: report, kind: kind, fileName: fileName, sha: sha, size: size, actor: actor, id: id, at: clock.now())
            run.status = ImportStatus.refused.rawValue
            run.errorCount = report.problems.count
            run.message = "\(report.problems.count) erreur(s) : rien n'a été enregistré."
            try await run.create(on: db)
            try await ImportProblem.store(report.problems, importID: id, on: db)
            try await AuditLog.append(on: db, actor: actor, action: "import refusé", target: "import \(id.uuidString.lowercased())",
                                      details: "\(kind.rawValue) \(fileName) sha256=\(sha) erreurs=\(report.problems.count)", at: clock.now())
        }
    }

    static func importRun(report: MeasuresImportReport, kind: ImportKind, fileName: String, sha: String, size: Int,
                          actor: AuditActor, id: UUID, at date: Date) -> ImportRun {
        let run = ImportRun(id: id, kind: kind, fileName: fileName, sha256: sha, size: size, actor: actor, at: date)
        run.rowsTotal = report.rows
        run.rowsDone = report.rows
        run.skippedCount = report.skipped.count
        run.dialect = report.dialect
        run.source = report.source
        run.years = report.years.map(String.init).joined(separator: ",")
        run.finishedAt = date
        run.regions = report.regions.sorted().joined(separator: ",")
        var message: [String] = []
        if !report.skipped.isEmpty { message.append("\(report.skipped.count) ligne(s) ignorée(s) (établissements absents du registre, cellules masquées ou invalides)") }
        if !report.notes.isEmpty { message.append("\(report.notes.count) remarque(s) : ligne « Total » ou doublon identique, laissés de côté") }
        if !message.isEmpty { run.message = message.joined(separator: " ; ") + "." }
        return run
    }
}
