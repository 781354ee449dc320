import CAQESCore
import CAQESData
import Crypto
import Fluent
import SQLKit
import Vapor

extension RegistryImporter {
    static let siteColumns = ["finess", "legal_entity_finess", "name", "category_code", "category_label", "aggregate_code",
                              "aggregate_label", "department_code", "region_code", "address", "postal_code", "city", "siret",
                              "opened_on", "holder_finess", "source", "source_date", "search_text", "row_hash", "key_valid",
                              "updated_at"]

    /// Upserts sites and their legal entities in one transaction; rows whose content did not
    /// change are not written at all.
    func writeSites(_ records: [SiteRecord], source: String, run: ImportRun, report: inout ImportReport,
                    actor: AuditActor) async throws {
        let sql = db as! any SQLDatabase
        let regions = try await Dictionary(DepartmentModel.query(on: db).all().map { ($0.id ?? "", $0.regionCode) },
                                           uniquingKeysWith: { a, _ in a })
        struct Existing: Decodable { let finess: String; let row_hash: String; let legal_status: String? }
        let existing = try await sql.select().column("finess").column("row_hash").column("legal_status").from("sites")
            .all(decoding: Existing.self)
        let known = Dictionary(existing.map { ($0.finess, $0) }, uniquingKeysWith: { a, _ in a })
        struct ExistingEJ: Decodable { let finess: String; let name: String; let department_code: String; let region_code: String? }
        let knownEJ = Dictionary(try await sql.select().column("finess").column("name").column("department_code")
            .column("region_code").from("legal_entities").all(decoding: ExistingEJ.self).map { ($0.finess, $0) },
            uniquingKeysWith: { a, _ in a })

        var changed: [[any SQLExpression]] = []
        var created = 0, updated = 0, unchanged = 0
        var legalEntities: [String: (name: String, department: String, region: String?)] = [:]
        let now = clock.now()
        for record in records {
            let department = record.finess.departmentCode
            let region = regions[department]
            let ej = record.legalEntity.value
            if legalEntities[ej] == nil {
                legalEntities[ej] = (record.name, record.legalEntity.departmentCode, regions[record.legalEntity.departmentCode])
            }
            let hash = Self.rowHash(record, source: source)
            let previous = known[record.finess.value]
            if previous?.row_hash == hash { unchanged += 1; continue }
            if previous == nil { created += 1 } else { updated += 1 }
            let status = previous?.legal_status.flatMap(LegalStatus.init(rawValue:))
            let holder = ContractHolderRule.holder(site: record.finess, legalEntity: record.legalEntity, status: status)
            let values: [any Encodable & Sendable] = [
                record.finess.value, ej, record.name, record.categoryCode, record.categoryLabel, record.aggregateCode,
                record.aggregateLabel, department, region, record.address, record.postalCode, record.city, record.siret,
                record.openedOn, holder.value, source, record.updatedOn.map(RegistryController.frenchDate) ?? "",
                SearchText.normalize(record.finess.value + " " + record.legalEntity.value + " " + record.name + " " + (record.city ?? "")),
                hash, record.keyValid, now,
            ]
            changed.append(values.map { SQLBind($0) })
        }
        let newEntities = legalEntities.filter { ej, value in
            guard let old = knownEJ[ej] else { return true }
            return old.name != value.name || old.department_code != value.department || old.region_code != value.region
        }
        let total = max(changed.count, 1)
        let progress = self.progress
        let rowsToWrite = changed
        let (createdCount, updatedCount, unchangedCount, rowCount) = (created, updated, unchanged, report.rows)
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            var written = 0
            for batch in rowsToWrite.chunked(into: Self.batchSize) {
                try await sql.insert(into: "sites").columns(Self.siteColumns).rows(Array(batch))
                    .onConflict(with: "finess") { builder in
                        var builder = builder
                        // The holder was derived above from the status already stored, so it can be rewritten.
                        for column in Self.siteColumns.dropFirst() {
                            builder = builder.set(excludedValueOf: column)
                        }
                        return builder
                    }
                    .run()
                written += batch.count
                progress(ImportProgress(phase: "Enregistrement", fraction: 0.5 + 0.5 * Double(written) / Double(total), rows: written))
            }
            for batch in Array(newEntities).chunked(into: Self.batchSize) {
                let rows: [[any SQLExpression]] = batch.map { ej, value in
                    [SQLBind(ej), SQLBind(value.name), SQLBind(value.department), SQLBind(value.region)]
                }
                try await sql.insert(into: "legal_entities").columns("finess", "name", "department_code", "region_code")
                    .rows(rows)
                    .onConflict(with: "finess") { $0.set(excludedValueOf: "name").set(excludedValueOf: "department_code").set(excludedValueOf: "region_code") }
                    .run()
            }
            run.status = ImportStatus.done.rawValue
            run.rowsTotal = rowCount
            run.rowsDone = rowCount
            run.createdCount = createdCount
            run.updatedCount = updatedCount
            run.unchangedCount = unchangedCount
            run.finishedAt = clock.now()
            run.message = nil
            try await run.save(on: db)
            try await AuditLog.append(on: db, actor: actor, action: "import FINESS",
                                      target: "import \(run.id!.uuidString.lowercased())",
                                      details: "\(run.fileName) sha256=\(run.fileSHA256) lignes=\(rowCount) créées=\(createdCount) modifiées=\(updatedCount) inchangées=\(unchangedCount)", at: clock.now())
        }
        report.created = created
        report.updated = updated
        report.unchanged = unchanged
        logger.info("FINESS import done", metadata: ["import-id": .string(run.id!.uuidString), "created": .stringConvertible(created),
                                                      "updated": .stringConvertible(updated), "unchanged": .stringConvertible(unchanged)])
    }

    /// Sets legal statuses and re-derives contract holders (D16). Statuses for FINESS numbers
    /// absent from the registry are reported as skipped, never created.
    func writeStatuses(_ records: [StatusRecord], source: String, run: ImportRun, report: inout ImportReport,
                       actor: AuditActor) async throws {
        let sql = db as! any SQLDatabase
        struct Existing: Decodable { let finess: String; let legal_status: String?; let legal_entity_finess: String }
        let existing = try await sql.select().column("finess").column("legal_status").column("legal_entity_finess")
            .from("sites").all(decoding: Existing.self)
        let known = Dictionary(existing.map { ($0.finess, $0) }, uniquingKeysWith: { a, _ in a })
        var byStatus: [LegalStatus: [String]] = [:]
        var entityStatus: [String: LegalStatus] = [:]
        var skipped: [RowProblem] = []
        var unchanged = 0
        for record in records {
            guard let site = known[record.finess.value] else {
                skipped.append(RowProblem(line: record.line, column: "FINESS", value: record.finess.value,
                                          reason: "établissement absent du registre : ligne ignorée"))
                continue
            }
            entityStatus[site.legal_entity_finess] = record.status
            if site.legal_status == record.status.rawValue { unchanged += 1; continue }
            byStatus[record.status, default: []].append(record.finess.value)
        }
        let updated = byStatus.values.map(\.count).reduce(0, +)
        let (rowCount, unchangedCount, skippedCount, groups, entities) = (report.rows, unchanged, skipped.count, byStatus, entityStatus)
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            for (status, sites) in groups {
                for batch in sites.chunked(into: Self.batchSize) {
                    let holder: any SQLExpression = status.holderLevel == .legalEntity
                        ? SQLColumn("legal_entity_finess") : SQLColumn("finess")
                    try await sql.update("sites")
                        .set("legal_status", to: status.rawValue)
                        .set("status_source", to: source)
                        .set(SQLColumn("holder_finess"), to: holder)
                        .where(SQLColumn("finess"), .in, SQLBind.group(Array(batch)))
                        .run()
                }
            }
            for (status, entities) in Dictionary(grouping: entities, by: { $0.value }) {
                for batch in entities.map(\.key).chunked(into: Self.batchSize) {
                    try await sql.update("legal_entities").set("legal_status", to: status.rawValue)
                        .where(SQLColumn("finess"), .in, SQLBind.group(Array(batch))).run()
                }
            }
            run.status = ImportStatus.done.rawValue
            run.rowsTotal = rowCount
            run.rowsDone = rowCount
            run.updatedCount = updated
            run.unchangedCount = unchangedCount
            run.errorCount = 0
            run.message = skippedCount == 0 ? nil : "\(skippedCount) ligne(s) ignorée(s) : établissements absents du registre."
            run.finishedAt = clock.now()
            try await run.save(on: db)
            try await AuditLog.append(on: db, actor: actor, action: "import statuts",
                                      target: "import \(run.id!.uuidString.lowercased())",
                                      details: "\(run.fileName) sha256=\(run.fileSHA256) lignes=\(rowCount) modifiées=\(updated) inchangées=\(unchangedCount) ignorées=\(skippedCount)", at: clock.now())
        }
        report.updated = updated
        report.unchanged = unchanged
        report.skipped = skipped
    }

    static func rowHash(_ record: SiteRecord, source: String) -> String {
        let fields: [String?] = [record.legalEntity.value, record.name, record.categoryCode, record.categoryLabel,
                                 record.aggregateCode, record.aggregateLabel, record.address, record.postalCode, record.city,
                                 record.siret, record.openedOn, record.updatedOn, source, record.keyValid ? "1" : "0"]
        let text = fields.map { $0 ?? "" }.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(text.utf8)).hex
    }
}
