import Fluent
import Vapor

/// `GET /api/v1/establishments` and `/api/v1/establishments/{finess}`, bearer token, scoped.
struct EstablishmentAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.openAPI.components, use: openAPI)
        let secured = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .registryAPI, api: true))
        secured.get(SiteURL.Route.apiEstablishments.components, use: list)
        secured.get(SiteURL.Route.apiEstablishment.components, use: detail)
        // The same resources under their French names (D29).
        secured.get(SiteURL.Route.apiEtablissements.components, use: list)
        secured.get(SiteURL.Route.apiEtablissement.components, use: detail)
    }

    @Sendable
    func list(req: Request) async throws -> EstablishmentListDTO {
        let principal = try await req.requirePrincipal()
        let filter = try RegistryController.filter(from: req)
        let page = try await EstablishmentRepository(db: req.db, scope: principal.scope).list(filter, cache: req.application.referenceCache, now: req.now)
        return EstablishmentListDTO(elements: page.items.map(EstablishmentDTO.init), total: page.total, page: page.page,
                                    par_page: page.perPage, pages: page.pageCount)
    }

    @Sendable
    func detail(req: Request) async throws -> EstablishmentDTO {
        let principal = try await req.requirePrincipal()
        let finess = req.parameters.get("finess") ?? ""
        let repository = EstablishmentRepository(db: req.db, scope: principal.scope)
        guard let site = try await repository.find(finess) else {
            try await repository.auditIfForeign(finess, request: req, principal: principal)
            throw UserFacingError(.notFound, "Établissement « \(finess.prefix(20)) » introuvable (ou hors de votre périmètre).")
        }
        return EstablishmentDTO(site)
    }

    @Sendable
    func openAPI(req: Request) async throws -> Response {
        let path = req.application.directory.resourcesDirectory + "OpenAPI/openapi.yaml"
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return response
    }
}
