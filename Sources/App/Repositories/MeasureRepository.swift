import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Reads stored measure values (the current version of each source) within a user's scope: a
/// site's values when the scope covers the site, a legal entity's when it covers the entity
/// itself (its region, department, or the entity as contract holder). Commands read with `.all`.
struct MeasureRepository {
    let db: any Database
    var scope: AccessScope = .all

    struct Row: Decodable, Sendable {
        let finess: String
        let measure: String
        let year: Int
        let kind: String
        let value: String?
        let raw: String
        let mask_reason: String?
        let source: String
        let import_id: UUID
        let line: Int
    }

    /// Current values, filtered; `region` matches the site's or the legal entity's region.
    func current(measures: [String]? = nil, year: Int? = nil, region: String? = nil, finess: [String]? = nil) async throws -> [Row] {
        let sql = db as! any SQLDatabase
        var query = sql.select()
            .columns("finess", "measure", "year", "kind", "value", "raw", "mask_reason", "source", "import_id", "line")
            .from("measure_values")
            .where("current", .equal, true)
        if let measures { query = query.where(SQLColumn("measure"), .in, SQLBind.group(measures)) }
        if let year { query = query.where("year", .equal, year) }
        if let finess {
            let visible = try await visibleSubjects(finess)
            if visible.isEmpty { return [] }
            query = query.where(SQLColumn("finess"), .in, SQLBind.group(visible))
        }
        if let region {
            let subjects = try await subjects(inRegion: region)
            query = query.where(SQLColumn("finess"), .in, SQLBind.group(Array(subjects)))
        }
        return try await query.orderBy("finess").orderBy("measure").orderBy("year").all(decoding: Row.self)
    }

    /// Those of these FINESS numbers (ET or EJ) whose measures the scope may see.
    func visibleSubjects(_ finess: [String]) async throws -> [String] {
        if scope == .all { return finess }
        let sql = db as! any SQLDatabase
        struct SiteRow: Decodable { let finess: String; let region_code: String?; let department_code: String; let holder_finess: String; let legal_entity_finess: String }
        struct EntityRow: Decodable { let finess: String; let region_code: String?; let department_code: String }
        var visible: [String] = []
        for chunk in finess.chunked(into: 500) {
            let sites = try await sql.select().columns("finess", "region_code", "department_code", "holder_finess", "legal_entity_finess")
                .from("sites").where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: SiteRow.self)
            visible += sites.filter { scope.allows(regionCode: $0.region_code, departmentCode: $0.department_code,
                                                   holderFINESS: $0.holder_finess, legalEntityFINESS: $0.legal_entity_finess) }.map { $0.finess }
            let entities = try await sql.select().columns("finess", "region_code", "department_code")
                .from("legal_entities").where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: EntityRow.self)
            visible += entities.filter { scope.allows(regionCode: $0.region_code, departmentCode: $0.department_code,
                                                      holderFINESS: $0.finess, legalEntityFINESS: $0.finess) }.map { $0.finess }
        }
        return visible
    }

    /// FINESS numbers (ET and EJ) of a region.
    func subjects(inRegion region: String) async throws -> Set<String> {
        let sql = db as! any SQLDatabase
        struct F: Decodable { let finess: String }
        let sites = try await sql.select().column("finess").from("sites").where("region_code", .equal, region).all(decoding: F.self)
        let entities = try await sql.select().column("finess").from("legal_entities").where("region_code", .equal, region).all(decoding: F.self)
        return Set(sites.map(\.finess) + entities.map(\.finess))
    }

    /// A measure set for the rules engine: the contract holders of every current value of one of
    /// the catalogue's measures, each once, built by `HolderMeasures` like the file path: sites
    /// held by their EJ are rolled up to it (sums of counts and amounts, D16), a value stored at
    /// EJ level wins, categories and regions come from the registry (an EJ takes the most common
    /// category of its sites). `overlay` replaces stored values of the same (FINESS, measure,
    /// year): what an establishment declared in its self-assessment, or a reviewer's correction.
    func measureSet(for catalogue: CatalogueVersion, overlay: [SubjectValue] = []) async throws -> MeasureSet {
        let replaced = Set(overlay.map { "\($0.subject)|\($0.measure)|\($0.year)" })
        let rows = try await current(measures: catalogue.measures.map(\.code))
            .filter { replaced.isEmpty || !replaced.contains("\($0.finess)|\($0.measure)|\($0.year)") }
        // The registry around these FINESS numbers: the sites among them, the EJs among them and
        // of those sites, and every site of those EJs (their categories make the EJ's).
        let subjects = Set(rows.map(\.finess) + overlay.map(\.subject))
        let sql = db as! any SQLDatabase
        struct SiteInfo: Decodable { let finess: String; let legal_entity_finess: String; let holder_finess: String; let category_code: String?; let region_code: String? }
        struct EntityInfo: Decodable { let finess: String; let region_code: String? }
        var sites: [String: SiteInfo] = [:]
        for chunk in Array(subjects).chunked(into: 500) {
            let found = try await sql.select().columns("finess", "legal_entity_finess", "holder_finess", "category_code", "region_code").from("sites")
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: SiteInfo.self)
            for site in found { sites[site.finess] = site }
        }
        let entityIDs = subjects.union(sites.values.map(\.legal_entity_finess))
        var entities: [EntityInfo] = []
        for chunk in Array(entityIDs).chunked(into: 500) {
            entities += try await sql.select().columns("finess", "region_code").from("legal_entities")
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: EntityInfo.self)
            let found = try await sql.select().columns("finess", "legal_entity_finess", "holder_finess", "category_code", "region_code").from("sites")
                .where(SQLColumn("legal_entity_finess"), .in, SQLBind.group(Array(chunk))).all(decoding: SiteInfo.self)
            for site in found { sites[site.finess] = site }
        }
        let registry: [RegistryEntry] = entities.map { RegistryEntry.legalEntity($0.finess, region: $0.region_code) }
            + sites.values.map { RegistryEntry.site($0.finess, legalEntity: $0.legal_entity_finess, holder: $0.holder_finess,
                                                    category: $0.category_code, region: $0.region_code) }
        let values = rows.compactMap { row -> SubjectValue? in
            let source = "import \(row.import_id.uuidString.lowercased().prefix(8)), ligne \(row.line) (\(row.source))"
            let value: FormulaValue?
            switch row.kind {
            case "number":
                guard let text = row.value, let number = Decimal(stored: text) else { return nil }
                value = .number(number)
            case "grade":
                guard let grade = row.value?.first else { return nil }
                value = .grade(grade)
            case "masked":
                value = nil
            default:
                return nil
            }
            return SubjectValue(subject: row.finess, measure: row.measure, year: row.year, value: value, source: source)
        } + overlay
        return HolderMeasures.build(values: values, registry: registry, catalogue: catalogue)
    }
}
