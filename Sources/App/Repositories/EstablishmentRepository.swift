import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Filters of the establishment list, as a user sets them in the page or the API.
struct EstablishmentFilter: Sendable, Equatable {
    var text: String?
    var region: String?
    var department: String?
    var status: String?
    var category: String?
    var holder: String?
    var page: Int = 1
    var perPage: Int = 50
    var sort = EstablishmentSort.default

    /// Query-string items to rebuild the same list (pagination links, CSV export).
    var queryItems: [URLQueryItem] {
        [("q", text), ("region", region), ("departement", department), ("statut", status),
         ("categorie", category), ("titulaire", holder),
         ("tri", sort == .default ? nil : sort.parameter), ("par_page", perPage == 50 ? nil : String(perPage))]
            .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
    }
}

/// The list's order: a column and a direction (`tri=nom`, `tri=-departement`).
struct EstablishmentSort: Sendable, Equatable {
    enum Column: String, Sendable, CaseIterable {
        case name = "nom", finess, department = "departement", status = "statut", holder = "titulaire", city = "commune"
    }
    var column: Column
    var ascending: Bool

    static let `default` = EstablishmentSort(column: .name, ascending: true)

    init(column: Column, ascending: Bool) { self.column = column; self.ascending = ascending }

    /// nil when the parameter names no column.
    init?(parameter: String) {
        let descending = parameter.hasPrefix("-")
        guard let column = Column(rawValue: String(parameter.dropFirst(descending ? 1 : 0))) else { return nil }
        self.init(column: column, ascending: !descending)
    }

    var parameter: String { (ascending ? "" : "-") + column.rawValue }

    /// The column first, then the name for equal values.
    var keys: [(Column, Bool)] { column == .name ? [(.name, ascending)] : [(column, ascending), (.name, true)] }
}

/// A page of results.
struct Page<Item> {
    let items: [Item]
    let total: Int
    let page: Int
    let perPage: Int
    var pageCount: Int { max(1, (total + perPage - 1) / perPage) }

    static func clampPerPage(_ perPage: Int) -> Int { min(max(perPage, 1), 500) }

    /// `page` within 1…last page, whatever was asked.
    static func clamp(_ page: Int, total: Int, perPage: Int) -> Int {
        let last = max(1, (total + perPage - 1) / perPage)
        return min(max(page, 1), last)
    }
}

/// A site as the pages and the API read it: a plain row, decoded without building a Fluent model
/// (whose per-row reflection dominated the list's cost under load, see bench/README.md).
/// A row type read from `sites` names the columns it decodes, so a list reads no more than it shows.
protocol SiteColumns: Decodable, Sendable {
    static var columns: [String] { get }
}

/// The columns the registry list page shows (fewer columns decoded per row than `SiteRow`).
struct SiteListRow: SiteColumns {
    let finess: String
    let name: String
    let aggregate_label: String?
    let legal_status: String?
    let holder_finess: String
    let department_code: String
    let city: String?

    static let columns = ["finess", "name", "aggregate_label", "legal_status", "holder_finess", "department_code", "city"]
}

struct SiteRow: SiteColumns {
    let finess: String
    let legal_entity_finess: String
    let name: String
    let category_code: String?
    let category_label: String?
    let aggregate_code: String?
    let aggregate_label: String?
    let department_code: String
    let region_code: String?
    let address: String?
    let postal_code: String?
    let city: String?
    let siret: String?
    let opened_on: String?
    let legal_status: String?
    let status_source: String?
    let holder_finess: String
    let source: String
    let source_date: String
    let key_valid: Bool

    static let columns = ["finess", "legal_entity_finess", "name", "category_code", "category_label", "aggregate_code",
                          "aggregate_label", "department_code", "region_code", "address", "postal_code", "city", "siret",
                          "opened_on", "legal_status", "status_source", "holder_finess", "source", "source_date", "key_valid"]
}

/// Reads the registry within a user's scope. A site outside the scope is never returned: for that
/// user it does not exist (404), whichever page or API route asks. `scoped` is the one place the
/// scope becomes SQL.
struct EstablishmentRepository {
    let db: any Database
    let scope: AccessScope

    private var sql: any SQLDatabase { db as! any SQLDatabase }

    func list<Row: SiteColumns>(_ filter: EstablishmentFilter, as row: Row.Type = SiteRow.self,
                                cache: ReferenceCache? = nil, now: Date = Date()) async throws -> Page<Row> {
        let perPage = Page<Row>.clampPerPage(filter.perPage)
        // The count walks an index of the scope's column; the page walks (scope, name) in order and
        // stops at its limit (indexes of migration 003). A window count would sort every row. The
        // pages of one list share their total for a few seconds (`ReferenceCache.count`).
        let total: Int
        if let cache {
            let key = "\(scope)|\(filter.text ?? "")|\(filter.region ?? "")|\(filter.department ?? "")|\(filter.status ?? "")|\(filter.category ?? "")|\(filter.holder ?? "")"
            total = try await cache.count(key: key, now: now) { try await count(filter) }
        } else {
            total = try await count(filter)
        }
        // A page past the last shows the last: never an offset that overflows or a range that traps.
        let page = Page<Row>.clamp(filter.page, total: total, perPage: perPage)
        let items = try await sorted(filtered(sql.select().columns(Row.columns.map { SQLColumn($0) }), filter), filter.sort)
            .limit(perPage).offset((page - 1) * perPage)
            .all(decoding: Row.self)
        return Page(items: items, total: total, page: page, perPage: perPage)
    }

    func count(_ filter: EstablishmentFilter) async throws -> Int {
        struct Count: Decodable { let n: Int }
        let row = try await filtered(sql.select().column(SQLAlias(SQLRaw("COUNT(*)"), as: SQLIdentifier("n"))), filter)
            .first(decoding: Count.self)
        return row?.n ?? 0
    }

    /// Every matching site, in pages of `chunk`, for exports.
    func forEach(_ filter: EstablishmentFilter, chunk: Int = 2_000, _ body: ([SiteRow]) async throws -> Void) async throws {
        var lastID = ""
        while true {
            let batch = try await filtered(sql.select().columns(SiteRow.columns.map { SQLColumn($0) }), filter)
                .where("finess", .greaterThan, lastID).orderBy("finess", .ascending).limit(chunk)
                .all(decoding: SiteRow.self)
            if batch.isEmpty { return }
            try await body(batch)
            lastID = batch.last?.finess ?? lastID
        }
    }

    /// A refused look-up of a record that exists outside the scope goes to the audit trail.
    func auditIfForeign(_ finess: String, request: Request, principal: Principal) async throws {
        guard finess.count <= 20, try await Site.find(finess, on: db) != nil else { return }
        try await AccessAudit.refused(request, principal: principal, target: "établissement \(finess)", reason: "hors périmètre")
    }

    func find(_ finess: String) async throws -> SiteRow? {
        try await scoped(sql.select().columns(SiteRow.columns.map { SQLColumn($0) }).from("sites"))
            .where("finess", .equal, finess).first(decoding: SiteRow.self)
    }

    /// The other visible sites of the same legal entity.
    func sites(ofLegalEntity ej: String) async throws -> [SiteRow] {
        try await scoped(sql.select().columns(SiteRow.columns.map { SQLColumn($0) }).from("sites"))
            .where("legal_entity_finess", .equal, ej).orderBy("name").limit(500).all(decoding: SiteRow.self)
    }

    func legalEntity(_ ej: String) async throws -> LegalEntity? {
        try await LegalEntity.find(ej, on: db)
    }

    /// A contract holder (D16): a private or ESPIC site, or a public legal entity, with where it
    /// is. A holder is visible when one of its sites is.
    struct Holder: Sendable {
        let finess: String
        let name: String
        let legalEntity: String
        let region: String
        let department: String
        let legalStatus: String?
    }

    func holder(_ finess: String) async throws -> Holder? {
        guard finess.count <= 20 else { return nil }
        struct Row: Decodable { let finess: String; let name: String; let legal_entity_finess: String; let region_code: String?; let department_code: String; let legal_status: String? }
        let sites = try await scoped(sql.select().columns("finess", "name", "legal_entity_finess", "region_code", "department_code", "legal_status").from("sites"))
            .where("holder_finess", .equal, finess).orderBy("finess").limit(500).all(decoding: Row.self)
        guard let first = sites.first else { return nil }
        if let own = sites.first(where: { $0.finess == finess }) {
            return Holder(finess: finess, name: own.name, legalEntity: own.legal_entity_finess, region: own.region_code ?? "",
                          department: own.department_code, legalStatus: own.legal_status)
        }
        let entity = try await LegalEntity.find(finess, on: db)
        return Holder(finess: finess, name: entity?.name ?? first.name, legalEntity: finess,
                      region: entity?.regionCode ?? first.region_code ?? "", department: entity?.departmentCode ?? first.department_code,
                      legalStatus: entity?.legalStatus ?? first.legal_status)
    }

    /// Names of contract holders: the legal entity's for an EJ, the site's for an ET.
    func holderNames(_ finess: Set<String>) async throws -> [String: String] {
        var names: [String: String] = [:]
        struct Row: Decodable { let finess: String; let name: String }
        for chunk in Array(finess).chunked(into: 500) {
            let entities = try await sql.select().columns("finess", "name").from("legal_entities")
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            for row in entities { names[row.finess] = row.name }
            let sites = try await scoped(sql.select().columns("finess", "name").from("sites"))
                .where(SQLColumn("finess"), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            for row in sites { names[row.finess] = row.name }
        }
        return names
    }

    /// Regions and departments of the visible sites, for the filter lists.
    func facets() async throws -> (regions: Set<String>, departments: Set<String>) {
        switch scope {
        case .all:
            let regions = try await RegionModel.query(on: db).all().compactMap(\.id)
            let departments = try await DepartmentModel.query(on: db).all().compactMap(\.id)
            return (Set(regions), Set(departments))
        case .regions(let codes):
            let departments = try await DepartmentModel.query(on: db).filter(\.$regionCode ~~ Array(codes)).all().compactMap(\.id)
            return (codes, Set(departments))
        default:
            struct Row: Decodable { let region_code: String?; let department_code: String }
            let rows = try await scoped(sql.select().distinct().columns("region_code", "department_code").from("sites"))
                .all(decoding: Row.self)
            return (Set(rows.compactMap(\.region_code)), Set(rows.map(\.department_code)))
        }
    }

    /// Distinct aggregated categories of visible sites, for the filter list.
    func categories() async throws -> [(code: String, label: String)] {
        struct Row: Decodable { let aggregate_code: String?; let aggregate_label: String? }
        let rows = try await scoped(sql.select().distinct().columns("aggregate_code", "aggregate_label").from("sites"))
            .all(decoding: Row.self)
        var seen: [String: String] = [:]
        for row in rows {
            if let code = row.aggregate_code { seen[code] = row.aggregate_label ?? code }
        }
        return seen.map { (code: $0.key, label: $0.value) }.sorted { $0.label < $1.label }
    }

    private func filtered(_ select: SQLSelectBuilder, _ filter: EstablishmentFilter) -> SQLSelectBuilder {
        let query = scoped(select.from("sites"))
        if let text = filter.text.map(SearchText.normalize), !text.isEmpty {
            query.where("search_text", .like, "%" + text + "%")
        }
        if let region = filter.region, !region.isEmpty { query.where("region_code", .equal, region) }
        if let department = filter.department, !department.isEmpty { query.where("department_code", .equal, department) }
        if let status = filter.status, !status.isEmpty {
            if status == "inconnu" { query.where("legal_status", .is, SQLLiteral.null) } else { query.where("legal_status", .equal, status) }
        }
        if let category = filter.category, !category.isEmpty {
            query.where { $0.where("aggregate_code", .equal, category).orWhere("category_code", .equal, category) }
        }
        if let holder = filter.holder?.filter({ !$0.isWhitespace }), !holder.isEmpty {
            query.where("holder_finess", .equal, holder)
        }
        return query
    }

    private func sorted(_ query: SQLSelectBuilder, _ sort: EstablishmentSort) -> SQLSelectBuilder {
        for (column, ascending) in sort.keys {
            let name = switch column {
            case .name: "name"
            case .finess: "finess"
            case .department: "department_code"
            case .status: "legal_status"
            case .holder: "holder_finess"
            case .city: "city"
            }
            query.orderBy(name, ascending ? .ascending : .descending)
        }
        return query.orderBy("finess", .ascending)
    }

    /// The scope as SQL: the one implementation every registry read goes through.
    private func scoped(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
        switch scope {
        case .all: return query
        case .none: return query.where(SQLLiteral.boolean(false))
        case .regions(let codes): return query.where(SQLColumn("region_code"), .in, SQLBind.group(codes.sorted()))
        case .departments(let codes): return query.where(SQLColumn("department_code"), .in, SQLBind.group(codes.sorted()))
        case .holders(let codes): return query.where(SQLColumn("holder_finess"), .in, SQLBind.group(codes.sorted()))
        }
    }
}

/// Normalisation used for search: upper case, no accents, single spaces.
enum SearchText {
    static func normalize(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
            .uppercased()
            .split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }
}
