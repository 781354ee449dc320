import CAQESCore
import Vapor

/// Lets through only signed-in users whose role may use a route family: pages redirect to the
/// login page, the API answers 401; a role without access gets 403.
struct AccessGuard: AsyncMiddleware {
    let family: RouteFamily
    let api: Bool

    static let sessionLifetime: TimeInterval = 8 * 60 * 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if !api, let seen = request.session.data["seen"].flatMap(Double.init) {
            if Date().timeIntervalSince1970 - seen > Self.sessionLifetime {
                request.auth.logout(User.self)
                request.session.destroy()
                return request.redirect(to: SiteURL.login(next: request.url.path, expired: true).path)
            }
        }
        guard let principal = try await request.principal() else {
            if api {
                throw UserFacingError(.unauthorized, "Jeton d'API manquant ou invalide : ajoutez l'en-tête « Authorization: Bearer <jeton> ».")
            }
            return request.redirect(to: SiteURL.login(next: request.url.path, expired: false).path)
        }
        guard family.allows(principal.role) else { throw UserFacingError.forbidden() }
        // Sessions live in the database: refresh the idle clock at most once a minute, not on every request.
        if !api {
            let now = Date().timeIntervalSince1970
            let seen = request.session.data["seen"].flatMap(Double.init) ?? 0
            if now - seen > 60 { request.session.data["seen"] = String(now) }
        }
        return try await next.respond(to: request)
    }
}
