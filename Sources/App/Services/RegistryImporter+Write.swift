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
        struct ExistingEJ: Decodable {
            let finess: String; let name: String; let department_code: String; let region_code: String?; let legal_status: String?
        }
        let knownEJ = Dictionary(try await sql.select().column("finess").column("name").column("department_code")
            .column("region_code").column("legal_status").from("legal_entities").all(decoding: ExistingEJ.self).map { ($0.finess, $0) },
            uniquingKeysWith: { a, _ in a })
        // What FINESS says of each EJ's status (codesph 1: public); the sites without a status of
        // their own take it when none of the EJ's sites has one (deriveStatusesAndHolders).
        let finessStatuses = FINESSExtract.legalEntityStatuses(records)

        var changed: [[any SQLExpression]] = []
        var created = 0, updated = 0, unchanged = 0
        var legalEntities: [String: (name: String, department: String, region: String?, status: String?)] = [:]
        let now = clock.now()
        for record in records {
            let department = record.finess.departmentCode
            let region = regions[department]
            let ej = record.legalEntity.value
            if legalEntities[ej] == nil {
                legalEntities[ej] = (record.name, record.legalEntity.departmentCode, regions[record.legalEntity.departmentCode],
                                     finessStatuses[ej]?.rawValue)
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
                || old.legal_status != value.status
        }
        let total = max(changed.count, 1)
        let progress = self.progress
        let rowsToWrite = changed
        let (createdCount, updatedCount, unchangedCount, rowCount) = (created, updated, unchanged, report.rows)
        let derived: Int = try await db.transaction { db in
            let sql = db as! any SQLDatabase
            var written = 0
            for batch in rowsToWrite.chunked(into: Self.batchSize) {
                try await sql.insert(into: "sites").columns(Self.siteColumns).rows(Array(batch))
                    .onConflict(with: "finess") { builder in
                        var builder = builder
                        // The holder written here follows the status already stored; deriveStatusesAndHolders
                        // settles statuses and holders below, in the same transaction.
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
                    [SQLBind(ej), SQLBind(value.name), SQLBind(value.department), SQLBind(value.region), SQLBind(value.status)]
                }
                try await sql.insert(into: "legal_entities").columns("finess", "name", "department_code", "region_code", "legal_status")
                    .rows(rows)
                    .onConflict(with: "finess") {
                        $0.set(excludedValueOf: "name").set(excludedValueOf: "department_code").set(excludedValueOf: "region_code")
                            .set(excludedValueOf: "legal_status")
                    }
                    .run()
            }
            let recomputed = try await Self.deriveStatusesAndHolders(on: db)
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
                                      details: "\(run.fileName) sha256=\(run.fileSHA256) lignes=\(rowCount) créées=\(createdCount) modifiées=\(updatedCount) inchangées=\(unchangedCount) statuts/titulaires recalculés=\(recomputed)", at: clock.now())
            return recomputed
        }
        report.created = created
        report.updated = updated
        report.unchanged = unchanged
        report.derived = derived
        logger.info("FINESS import done", metadata: ["import-id": .string(run.id!.uuidString), "created": .stringConvertible(created),
                                                      "updated": .stringConvertible(updated), "unchanged": .stringConvertible(unchanged)])
    }

    /// Sets the statuses a status file gives, then re-derives every site's status and holder
    /// (`deriveStatusesAndHolders`). Statuses for FINESS numbers absent from the registry are
    /// reported as skipped, never created.
    func writeStatuses(_ records: [StatusRecord], source: String, run: ImportRun, report: inout ImportReport,
                       actor: AuditActor) async throws {
        let sql = db as! any SQLDatabase
        struct Existing: Decodable { let finess: String; let legal_status: String?; let status_source: String? }
        let existing = try await sql.select().column("finess").column("legal_status").column("status_source")
            .from("sites").all(decoding: Existing.self)
        let known = Dictionary(existing.map { ($0.finess, $0) }, uniquingKeysWith: { a, _ in a })
        var byStatus: [LegalStatus: [String]] = [:]
        var skipped: [RowProblem] = []
        var unchanged = 0
        for record in records {
            guard let site = known[record.finess.value] else {
                skipped.append(RowProblem(line: record.line, column: "FINESS", value: record.finess.value,
                                          reason: "établissement absent du registre : ligne ignorée"))
                continue
            }
            // A status the site only had from its EJ becomes its own: that is a change.
            if site.legal_status == record.status.rawValue && !SiteStatusDerivation.isDerived(source: site.status_source) {
                unchanged += 1
                continue
            }
            byStatus[record.status, default: []].append(record.finess.value)
        }
        let updated = byStatus.values.map(\.count).reduce(0, +)
        let (rowCount, unchangedCount, skippedCount, groups) = (report.rows, unchanged, skipped.count, byStatus)
        let derived: Int = try await db.transaction { db in
            let sql = db as! any SQLDatabase
            for (status, sites) in groups {
                for batch in sites.chunked(into: Self.batchSize) {
                    try await sql.update("sites")
                        .set("legal_status", to: status.rawValue)
                        .set("status_source", to: source)
                        .where(SQLColumn("finess"), .in, SQLBind.group(Array(batch)))
                        .run()
                }
            }
            let recomputed = try await Self.deriveStatusesAndHolders(on: db)
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
                                      details: "\(run.fileName) sha256=\(run.fileSHA256) lignes=\(rowCount) modifiées=\(updated) inchangées=\(unchangedCount) ignorées=\(skippedCount) statuts/titulaires recalculés=\(recomputed)", at: clock.now())
            return recomputed
        }
        report.updated = updated
        report.unchanged = unchanged
        report.skipped = skipped
        report.derived = derived
    }

    /// Gives every site its status and its contract holder (D16), in one place run at the end of
    /// every registry import, inside its transaction, so that the order of the imports does not
    /// matter. A site keeps the status a status file gave it; a site without one takes its legal
    /// entity's (`SiteStatusDerivation`): the status its other sites agree on, or else the one
    /// FINESS `codesph` gives the EJ (`legal_entities.legal_status`, written by the FINESS
    /// import); if its sites disagree, none. Only the sites whose status, source or holder
    /// changes are written, so running it twice changes nothing.
    /// - Returns: the number of sites written.
    static func deriveStatusesAndHolders(on db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        struct Row: Decodable {
            let finess: String; let legal_entity_finess: String; let legal_status: String?; let status_source: String?
            let holder_finess: String; let source: String
        }
        let rows = try await sql.select()
            .columns("finess", "legal_entity_finess", "legal_status", "status_source", "holder_finess", "source")
            .from("sites").all(decoding: Row.self)
        struct Entity: Decodable { let finess: String; let legal_status: String? }
        // The FINESS import writes only the public status; another value here was left by an older
        // release from a status file, and is not FINESS's word.
        let finessPublic = Set(try await sql.select().columns("finess", "legal_status").from("legal_entities")
            .all(decoding: Entity.self).filter { $0.legal_status == LegalStatus.publicHospital.rawValue }.map(\.finess))

        struct Target: Hashable { let status: LegalStatus?; let source: String? }
        var changes: [Target: [String]] = [:]
        for (legalEntity, sites) in Dictionary(grouping: rows, by: \.legal_entity_finess) {
            let inputs = sites.map { row -> SiteStatusDerivation.Site in
                let own = SiteStatusDerivation.isDerived(source: row.status_source) ? nil : row.legal_status.flatMap(LegalStatus.init(rawValue:))
                return SiteStatusDerivation.Site(finess: row.finess, ownStatus: own, ownSource: own == nil ? nil : row.status_source)
            }
            let statuses = SiteStatusDerivation.statuses(
                legalEntity: legalEntity, sites: inputs,
                finessStatus: finessPublic.contains(legalEntity) ? .publicHospital : nil,
                finessSource: Self.mostFrequent(sites.map(\.source)))
            for row in sites {
                let target = statuses[row.finess] ?? SiteStatus(status: nil, source: nil)
                let holder = ContractHolderRule.holder(site: row.finess, legalEntity: legalEntity, status: target.status)
                if row.legal_status == target.status?.rawValue && row.status_source == target.source && row.holder_finess == holder {
                    continue
                }
                changes[Target(status: target.status, source: target.source), default: []].append(row.finess)
            }
        }
        var written = 0
        for (target, sites) in changes {
            let holder: any SQLExpression = target.status?.holderLevel == .legalEntity
                ? SQLColumn("legal_entity_finess") : SQLColumn("finess")
            for batch in sites.sorted().chunked(into: Self.batchSize) {
                try await sql.update("sites")
                    .set(SQLColumn("legal_status"), to: SQLBind(target.status?.rawValue))
                    .set(SQLColumn("status_source"), to: SQLBind(target.source))
                    .set(SQLColumn("holder_finess"), to: holder)
                    .where(SQLColumn("finess"), .in, SQLBind.group(Array(batch)))
                    .run()
                written += batch.count
            }
        }
        return written
    }

    /// The most frequent text (the first in order on a tie): the FINESS extract most of an EJ's
    /// sites come from.
    static func mostFrequent(_ texts: [String]) -> String? {
        var counts: [String: Int] = [:]
        for text in texts { counts[text, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    static func rowHash(_ record: SiteRecord, source: String) -> String {
        let fields: [String?] = [record.legalEntity.value, record.name, record.categoryCode, record.categoryLabel,
                                 record.aggregateCode, record.aggregateLabel, record.address, record.postalCode, record.city,
                                 record.siret, record.openedOn, record.updatedOn, source, record.keyValid ? "1" : "0"]
        let text = fields.map { $0 ?? "" }.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(text.utf8)).hex
    }
}
