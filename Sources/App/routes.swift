import Fluent
import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())

    // API routes carry their full path (/api/v1/…) in SiteURL.Route.
    let api = app
    try api.register(collection: EstablishmentAPIController())
    try api.register(collection: ImportAPIController())
    try api.register(collection: ContractingAPIController())
    try api.register(collection: EvaluationAPIController())

    // Pages: browser sessions + CSRF on every form. The API above never reads a cookie.
    let site = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    try site.register(collection: AuthController())
    try site.register(collection: RegistryController())
    try site.register(collection: TokenController())
    try site.register(collection: UserAdminController())
    try site.register(collection: AuditController())
    try site.register(collection: ImportController())
    // The home page per role, campaigns, contracts, documents and the public verification page.
    try site.register(collection: ContractingController())
    try site.register(collection: EvaluationController())
    try site.register(collection: OutboxController())
}
