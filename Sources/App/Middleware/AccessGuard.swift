import CAQESCore
import Vapor

/// Lets through only signed-in users whose role may use a route family: pages redirect to the
/// login page (saying so when the session expired), the API answers 401; a role without access
/// gets 403, and the refusal is audited.
struct AccessGuard: AsyncMiddleware {
    let family: RouteFamily
    let api: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let principal = try await request.principal() else {
            if api {
                throw UserFacingError(.unauthorized, "Jeton d'API manquant ou invalide : ajoutez l'en-tête « Authorization: Bearer <jeton> ».")
            }
            let expired = request.webSession?.expired ?? false
            let back = request.method == .GET ? request.url.path : nil
            return request.redirect(to: SiteURL.login(next: back, expired: expired).path)
        }
        guard family.allows(principal.role) else {
            try await AccessAudit.refused(request, principal: principal, target: "\(request.method.rawValue) \(request.url.path)",
                                          reason: "rôle sans accès")
            throw UserFacingError.forbidden()
        }
        return try await next.respond(to: request)
    }
}

/// Access refusals go to the audit trail: a 403 on a route family, a 404 on a record that exists
/// outside the user's scope.
enum AccessAudit {
    static func refused(_ request: Request, principal: Principal, target: String, reason: String) async throws {
        try await AuditLog.append(on: request.db, actor: principal.auditActor, action: "accès refusé",
                                  target: String(target.prefix(300)), details: reason, at: request.now)
    }
}
