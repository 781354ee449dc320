import Fluent
import Vapor

/// A user's API tokens: create (shown once), list, revoke.
struct TokenController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped(AccessGuard(family: .account, api: false))
        account.get(SiteURL.Route.tokens.components, use: page)
        account.post(SiteURL.Route.tokens.components, use: create)
        account.post(SiteURL.Route.tokenRevoke.components, use: revoke)
    }

    struct TokenRow: Encodable {
        let name: String
        let prefix: String
        let created: String
        let lastUsed: String
        let revoked: String?
        let revokeHref: String
    }

    struct TokensPage: Encodable {
        let layout: LayoutContext
        let tokens: [TokenRow]
        let newToken: String?
        let error: String?
        let apiHref: String
        let docHref: String
    }

    struct CreateForm: Content { var nom: String? }

    @Sendable
    func page(req: Request) async throws -> View {
        try await render(req, newToken: nil, error: nil)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let name = (try req.content.decode(CreateForm.self).nom ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else {
            let view = try await render(req, newToken: nil, error: "Donnez un nom au jeton (1 à 80 caractères), par exemple « script d'export ».")
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
        let token = TokenHasher.generate()
        let record = APIToken(userID: principal.userID, name: name, tokenHash: TokenHasher.hash(token), prefix: String(token.prefix(12)))
        try await req.db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.append(on: db, actor: principal.auditActor, action: "création de jeton d'API",
                                      target: "jeton \(record.prefix)…", details: name, at: req.now)
        }
        let view = try await render(req, newToken: token, error: nil)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable
    func revoke(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self),
              let token = try await APIToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == principal.userID).first()
        else { throw UserFacingError.notFound() }
        if token.revokedAt == nil {
            token.revokedAt = req.now
            try await req.db.transaction { db in
                try await token.save(on: db)
                try await AuditLog.append(on: db, actor: principal.auditActor, action: "révocation de jeton d'API",
                                          target: "jeton \(token.prefix)…", details: token.name, at: req.now)
            }
        }
        req.webSession?.setFlash("Le jeton « \(token.name) » est révoqué.")
        return req.redirect(to: SiteURL.tokens.path)
    }

    private func render(_ req: Request, newToken: String?, error: String?) async throws -> View {
        let principal = try await req.requirePrincipal()
        let tokens = try await APIToken.query(on: req.db).filter(\.$user.$id == principal.userID)
            .sort(\.$createdAt, .descending).all()
        let rows = tokens.map { token in
            TokenRow(name: token.name, prefix: token.prefix + "…",
                     created: token.createdAt.map(FrenchFormat.dateTime) ?? "",
                     lastUsed: token.lastUsedAt.map(FrenchFormat.dateTime) ?? "jamais",
                     revoked: token.revokedAt.map(FrenchFormat.dateTime),
                     revokeHref: SiteURL.tokenRevoke(token.id!).path)
        }
        return try await req.view.render("account/tokens", TokensPage(
            layout: LayoutContext(request: req, title: "Jetons d'API", principal: principal, breadcrumbs: [("Jetons d'API", nil)]),
            tokens: rows, newToken: newToken, error: error,
            apiHref: SiteURL.apiEstablishments.path, docHref: SiteURL.openAPI.path))
    }
}
