import CAQESCore
import Fluent
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

/// Reads the registry within a user's scope. A site outside the scope is never returned: for that
/// user it does not exist (404), whichever page or API route asks.
struct EstablishmentRepository {
    let db: any Database
    let scope: AccessScope

    func list(_ filter: EstablishmentFilter) async throws -> Page<Site> {
        let query = filtered(filter)
        let total = try await query.copy().count()
        let perPage = Page<Site>.clampPerPage(filter.perPage)
        // A page past the last shows the last: never an offset that overflows or a range that traps.
        let page = Page<Site>.clamp(filter.page, total: total, perPage: perPage)
        var sorted = query
        for (key, ascending) in filter.sort.keys {
            switch key {
            case .name: sorted = sorted.sort(\.$name, ascending ? .ascending : .descending)
            case .finess: sorted = sorted.sort(\.$id, ascending ? .ascending : .descending)
            case .department: sorted = sorted.sort(\.$departmentCode, ascending ? .ascending : .descending)
            case .status: sorted = sorted.sort(\.$legalStatus, ascending ? .ascending : .descending)
            case .holder: sorted = sorted.sort(\.$holderFINESS, ascending ? .ascending : .descending)
            case .city: sorted = sorted.sort(\.$city, ascending ? .ascending : .descending)
            }
        }
        let items = try await sorted.sort(\.$id, .ascending)
            .range(((page - 1) * perPage)..<(page * perPage))
            .all()
        return Page(items: items, total: total, page: page, perPage: perPage)
    }

    /// Every matching site, in pages of `chunk`, for exports.
    func forEach(_ filter: EstablishmentFilter, chunk: Int = 2_000, _ body: ([Site]) async throws -> Void) async throws {
        var lastID = ""
        while true {
            let batch = try await filtered(filter).filter(\.$id > lastID).sort(\.$id, .ascending).limit(chunk).all()
            if batch.isEmpty { return }
            try await body(batch)
            lastID = batch.last?.id ?? lastID
        }
    }

    /// A refused look-up of a record that exists outside the scope goes to the audit trail.
    func auditIfForeign(_ finess: String, request: Request, principal: Principal) async throws {
        guard finess.count <= 20, try await Site.find(finess, on: db) != nil else { return }
        try await AccessAudit.refused(request, principal: principal, target: "établissement \(finess)", reason: "hors périmètre")
    }

    func find(_ finess: String) async throws -> Site? {
        try await scoped(Site.query(on: db)).filter(\.$id == finess).first()
    }

    /// The other visible sites of the same legal entity.
    func sites(ofLegalEntity ej: String) async throws -> [Site] {
        try await scoped(Site.query(on: db)).filter(\.$legalEntityFINESS == ej).sort(\.$name).limit(500).all()
    }

    func legalEntity(_ ej: String) async throws -> LegalEntity? {
        try await LegalEntity.find(ej, on: db)
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
            let rows = try await scoped(Site.query(on: db)).field(\.$regionCode).field(\.$departmentCode).unique().all()
            return (Set(rows.compactMap(\.regionCode)), Set(rows.map(\.departmentCode)))
        }
    }

    /// Distinct aggregated categories of visible sites, for the filter list.
    func categories() async throws -> [(code: String, label: String)] {
        let rows = try await scoped(Site.query(on: db))
            .field(\.$aggregateCode).field(\.$aggregateLabel)
            .unique()
            .all()
        var seen: [String: String] = [:]
        for row in rows {
            if let code = row.aggregateCode { seen[code] = row.aggregateLabel ?? code }
        }
        return seen.map { (code: $0.key, label: $0.value) }.sorted { $0.label < $1.label }
    }

    private func filtered(_ filter: EstablishmentFilter) -> QueryBuilder<Site> {
        var query = scoped(Site.query(on: db))
        if let text = filter.text.map(SearchText.normalize), !text.isEmpty {
            query = query.filter(\.$searchText ~~ text)
        }
        if let region = filter.region, !region.isEmpty { query = query.filter(\.$regionCode == region) }
        if let department = filter.department, !department.isEmpty { query = query.filter(\.$departmentCode == department) }
        if let status = filter.status, !status.isEmpty {
            query = status == "inconnu" ? query.filter(\.$legalStatus == nil) : query.filter(\.$legalStatus == status)
        }
        if let category = filter.category, !category.isEmpty {
            query = query.group(.or) { $0.filter(\.$aggregateCode == category).filter(\.$categoryCode == category) }
        }
        if let holder = filter.holder?.filter({ !$0.isWhitespace }), !holder.isEmpty {
            query = query.filter(\.$holderFINESS == holder)
        }
        return query
    }

    private func scoped(_ query: QueryBuilder<Site>) -> QueryBuilder<Site> {
        switch scope {
        case .all: return query
        case .none: return query.filter(\.$id == "").filter(\.$id != "")
        case .regions(let codes): return query.filter(\.$regionCode ~~ Array(codes))
        case .departments(let codes): return query.filter(\.$departmentCode ~~ Array(codes))
        case .holders(let codes): return query.filter(\.$holderFINESS ~~ Array(codes))
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
