import Fluent
import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())

    // API routes carry their full path (/api/v1/…) in SiteURL.Route.
    let api = app
    try api.register(collection: EstablishmentAPIController())
    try api.register(collection: ImportAPIController())
    try api.register(collection: ContractingAPIController())

    // Pages: browser sessions + CSRF on every form. The API above never reads a cookie.
    let site = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    site.get(SiteURL.Route.home.components) { req async throws -> Response in
        guard try await req.principal() != nil else {
            return req.redirect(to: SiteURL.login(next: nil, expired: false).path)
        }
        return req.redirect(to: SiteURL.establishments.path)
    }
    try site.register(collection: AuthController())
    try site.register(collection: RegistryController())
    try site.register(collection: TokenController())
    try site.register(collection: UserAdminController())
    try site.register(collection: AuditController())
    try site.register(collection: ImportController())
}
