import Fluent
import Vapor

/// `GET /api/v1/establishments` and `/api/v1/establishments/{finess}`, bearer token, scoped.
struct EstablishmentAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.yaml", use: openAPI)
        let secured = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .registryAPI, api: true))
        secured.get("establishments", use: list)
        secured.get("establishments", ":finess", use: detail)
    }

    @Sendable
    func list(req: Request) async throws -> EstablishmentListDTO {
        let principal = try await req.requirePrincipal()
        var filter = try RegistryController.filter(from: req)
        if let perPage = try? req.query.get(Int.self, at: "per_page") {
            guard (1...500).contains(perPage) else {
                throw UserFacingError(.badRequest, "Paramètre « per_page » invalide : « \(perPage) » (entre 1 et 500).")
            }
            filter.perPage = perPage
        }
        let page = try await EstablishmentRepository(db: req.db, scope: principal.scope).list(filter)
        return EstablishmentListDTO(items: page.items.map(EstablishmentDTO.init), total: page.total, page: page.page,
                                    perPage: page.perPage, pageCount: page.pageCount)
    }

    @Sendable
    func detail(req: Request) async throws -> EstablishmentDTO {
        let principal = try await req.requirePrincipal()
        let finess = req.parameters.get("finess") ?? ""
        guard let site = try await EstablishmentRepository(db: req.db, scope: principal.scope).find(finess) else {
            throw UserFacingError(.notFound, "Établissement « \(finess) » introuvable (ou hors de votre périmètre).")
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
