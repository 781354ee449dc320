import CAQESCore
import Fluent
import Vapor

/// Establishment pages: list with search, filters and pagination; detail; CSV export.
struct RegistryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let registry = routes.grouped(AccessGuard(family: .registry, api: false))
        registry.get(SiteURL.Route.establishments.components, use: list)
        registry.get(SiteURL.Route.establishmentsCSV.components, use: exportCSV)
        registry.get(SiteURL.Route.establishment.components, use: detail)
    }

    /// The list's filters from the query string. Numbers out of range are clamped (a page past
    /// the last shows the last); text that is not a number is refused with a French message.
    static func filter(from req: Request) throws -> EstablishmentFilter {
        struct Query: Decodable {
            var q: String?; var region: String?; var departement: String?; var statut: String?
            var categorie: String?; var titulaire: String?; var page: String?; var tri: String?; var par_page: String?
        }
        guard let query = try? req.query.decode(Query.self) else {
            throw UserFacingError(.badRequest, "Paramètres de recherche invalides.")
        }
        var filter = EstablishmentFilter(text: query.q.map { String($0.prefix(200)) }, region: query.region.map { String($0.prefix(10)) },
                                         department: query.departement.map { String($0.prefix(10)) },
                                         status: query.statut.map { String($0.prefix(40)) }, category: query.categorie.map { String($0.prefix(10)) },
                                         holder: query.titulaire.map { String($0.prefix(20)) })
        filter.page = try QueryNumber.parse(query.page, name: "page", default: 1, range: 1...Int.max)
        filter.perPage = try QueryNumber.parse(query.par_page, name: "par_page", default: 50, range: 1...500)
        if let tri = query.tri, !tri.isEmpty {
            guard let sort = EstablishmentSort(parameter: tri) else {
                throw UserFacingError(.badRequest, "Paramètre « tri » invalide : « \(tri.prefix(40)) » (attendu : \(EstablishmentSort.Column.allCases.map(\.rawValue).joined(separator: ", ")), précédé de « - » pour l'ordre décroissant).")
            }
            filter.sort = sort
        }
        return filter
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        let filter = try Self.filter(from: req)
        let repository = EstablishmentRepository(db: req.db, scope: principal.scope)
        let page = try await repository.list(filter, as: SiteListRow.self, cache: req.application.referenceCache, now: req.now)
        let cache = req.application.referenceCache
        let geography = try await cache.geography { try await GeographyRepository(db: req.db).all() }
        // Filters offer what the user's scope covers, no more: an insurer of department 59 is not
        // offered 18 regions.
        let options = try await cache.filterOptions(for: principal.scope, now: req.now) {
            let facets = try await repository.facets()
            return .init(regions: facets.regions, departments: facets.departments, categories: try await repository.categories())
        }
        let facets = (regions: options.regions, departments: options.departments)
        let visibleRegions = geography.regions.filter { facets.regions.contains($0.code) }
        let categories = options.categories
        let base = filter.queryItems
        let context = EstablishmentListPage(
            layout: LayoutContext(request: req, title: "Établissements", principal: principal,
                                  breadcrumbs: [("Établissements", nil)]),
            listHref: SiteURL.establishments.path,
            columns: Self.columnHeads(filter),
            pageSizes: SelectOption.html([20, 50, 100, 200].map { SelectOption(value: String($0), label: String($0), selected: $0 == page.perPage) }),
            sort: filter.sort == .default ? "" : filter.sort.parameter,
            rows: page.items.map(EstablishmentListRow.init),
            total: FrenchFormat.integer(page.total),
            totalCount: page.total,
            text: filter.text ?? "",
            holder: filter.holder ?? "",
            regions: SelectOption.html(visibleRegions.map { SelectOption(value: $0.code, label: "\($0.code) – \($0.name)", selected: $0.code == filter.region) }),
            departments: SelectOption.html(geography.departments
                .filter { facets.departments.contains($0.code) }
                .map { SelectOption(value: $0.code, label: "\($0.code) – \($0.name)", selected: $0.code == filter.department) }),
            statuses: SelectOption.html(LegalStatus.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == filter.status) }
                + [SelectOption(value: "inconnu", label: "Inconnu", selected: filter.status == "inconnu")]),
            categories: SelectOption.html(categories.map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == filter.category) }),
            pages: Pagination.links(page: page.page, pageCount: page.pageCount) { number in
                SiteURL.with(SiteURL.establishments.path, base + [URLQueryItem(name: "page", value: String(number))])
            },
            csvHref: SiteURL.with(SiteURL.establishmentsCSV.path, base),
            summary: "Page \(page.page) sur \(page.pageCount)"
        )
        return try await req.view.render("registry/list", context)
    }

    /// Column heads: each sorts the list by itself; the sorted one flips its direction.
    static func columnHeads(_ filter: EstablishmentFilter) -> [ColumnHead] {
        let columns: [(String, EstablishmentSort.Column?, String)] = [
            ("FINESS ET", .finess, ""), ("Raison sociale", .name, ""), ("Catégorie", nil, ""), ("Statut", .status, ""),
            ("Titulaire", .holder, "Qui signe le contrat : l'EJ pour un établissement public, l'ET pour un privé ou un ESPIC."),
            ("Dép.", .department, ""), ("Commune", .city, ""),
        ]
        return columns.map { label, column, help in
            guard let column else { return ColumnHead(label: label, href: nil, arrow: "", ariaSort: "", help: help) }
            let current = filter.sort.column == column
            var next = filter
            next.sort = EstablishmentSort(column: column, ascending: current ? !filter.sort.ascending : true)
            next.page = 1
            return ColumnHead(label: label, href: SiteURL.with(SiteURL.establishments.path, next.queryItems),
                              arrow: current ? (filter.sort.ascending ? " ▲" : " ▼") : "",
                              ariaSort: current ? (filter.sort.ascending ? "ascending" : "descending") : "", help: help)
        }
    }

    @Sendable
    func detail(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        let finess = req.parameters.get("finess") ?? ""
        let repository = EstablishmentRepository(db: req.db, scope: principal.scope)
        guard let site = try await repository.find(finess) else {
            try await repository.auditIfForeign(finess, request: req, principal: principal)
            throw UserFacingError.notFound()
        }
        let legalEntity = try await repository.legalEntity(site.legal_entity_finess)
        let siblings = try await repository.sites(ofLegalEntity: site.legal_entity_finess).filter { $0.finess != site.finess }
        let geography = try await req.application.referenceCache.geography { try await GeographyRepository(db: req.db).all() }
        let row = EstablishmentRow(site)
        let measures = try await MeasureRepository(db: req.db, scope: principal.scope).current(finess: [site.finess, site.legal_entity_finess])
        var tables: [MeasureTable] = []
        var subjects = [(site.finess, "Mesures de l'établissement (ET \(site.finess))")]
        if site.legal_entity_finess != site.finess {
            subjects.append((site.legal_entity_finess, "Mesures de l'entité juridique (EJ \(site.legal_entity_finess))"))
        }
        for (finess, title) in subjects {
            let values = measures.filter { $0.finess == finess }
            if !values.isEmpty { tables.append(MeasureTable(finess: finess, title: title, values: values)) }
        }
        let context = EstablishmentDetailPage(
            layout: LayoutContext(request: req, title: site.name, principal: principal,
                                  breadcrumbs: [("Établissements", .establishments), (site.name, nil)]),
            measureTables: tables,
            canOpenImports: RouteFamily.dataImports.allows(principal.role),
            site: row,
            legalEntityName: legalEntity?.name ?? "EJ \(site.legal_entity_finess)",
            siblings: siblings.map(EstablishmentRow.init),
            statusSource: site.status_source ?? "aucune source ne donne son statut",
            openedOn: site.opened_on.map(Self.frenchDate) ?? "",
            siret: site.siret ?? "",
            regionName: geography.regions.first { $0.code == site.region_code }?.name ?? "",
            departmentName: geography.departments.first { $0.code == site.department_code }?.name ?? ""
        )
        return try await req.view.render("registry/detail", context)
    }

    static let csvHeader = ["FINESS ET", "FINESS EJ", "Raison sociale", "Catégorie", "Catégorie agrégée",
                            "Statut juridique", "Titulaire du contrat", "Département", "Région", "Adresse",
                            "Code postal", "Commune", "Source", "Date des données"]

    @Sendable
    func exportCSV(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let filter = try Self.filter(from: req)
        let repository = EstablishmentRepository(db: req.db, scope: principal.scope)
        var csv = FrenchCSVWriter()
        csv.appendRow(Self.csvHeader)
        var count = 0
        try await repository.forEach(filter) { sites in
            count += sites.count
            for site in sites.map(EstablishmentRow.init) {
                csv.appendRow([site.finess, site.legalEntity, site.name, site.category, site.aggregateCategory, site.status,
                               site.holder, site.department, site.region, site.address, site.postalCode, site.city,
                               site.source, site.sourceDate])
            }
        }
        let query = SiteURL.with("", filter.queryItems)
        try await AuditLog.append(on: req.db, actor: principal.auditActor, action: "export CSV",
                                  target: "établissements", details: "\(count) ligne(s)\(query.isEmpty ? "" : ", filtres " + query)", at: req.now)
        let response = Response(status: .ok, body: .init(data: csv.data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "etablissements.csv")
        return response
    }

    /// `2020-02-04` → `04/02/2020`.
    static func frenchDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }
}
