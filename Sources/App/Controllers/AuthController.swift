import Fluent
import Vapor

/// Login, logout and password change pages.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.login.components, use: loginPage)
        routes.post(SiteURL.Route.login.components, use: login)
        routes.post(SiteURL.Route.logout.components, use: logout)
        let account = routes.grouped(AccessGuard(family: .account, api: false))
        account.get(SiteURL.Route.password.components, use: passwordPage)
        account.post(SiteURL.Route.password.components, use: changePassword)
    }

    struct LoginPage: Encodable {
        let layout: LayoutContext
        let email: String
        let next: String
        let error: String?
        let info: String?
    }

    struct LoginForm: Content {
        var email: String?
        var motDePasse: String?
        var suite: String?

        enum CodingKeys: String, CodingKey {
            case email
            case motDePasse = "mot_de_passe"
            case suite
        }
    }

    @Sendable
    func loginPage(req: Request) async throws -> Response {
        if req.webSession?.isSignedIn == true { return req.redirect(to: SiteURL.home.path) }
        let next = Self.safeNext(try? req.query.get(String.self, at: "suite"))
        let expired = (try? req.query.get(String.self, at: "expiree")) == "1"
        return try await render(req, email: "", next: next, error: nil,
                                info: expired ? "Votre session a expiré : reconnectez-vous pour continuer." : nil)
    }

    @Sendable
    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let email = String((form.email ?? "").trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        let password = String((form.motDePasse ?? "").prefix(256))
        let next = Self.safeNext(form.suite)
        guard !email.isEmpty, !password.isEmpty else {
            return try await render(req, email: email, next: next,
                                    error: "Renseignez votre adresse électronique et votre mot de passe.", status: .badRequest)
        }
        let address = ClientAddress.of(req)
        let now = req.now
        if let retry = try await LoginThrottle.retryAfter(email: email, address: address, now: now, on: req.db) {
            return try await render(req, email: email, next: next, error:
                "Trop de tentatives de connexion échouées pour ce compte ou cette adresse. Réessayez après \(FrenchFormat.time(retry)) (heure de Paris), le \(FrenchFormat.dateTime(retry)).",
                status: .tooManyRequests)
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        let verified: Bool
        if let user {
            verified = Passwords.verify(password, hash: user.passwordHash)
        } else {
            Passwords.burnTime(password, app: req.application)
            verified = false
        }
        guard let user, user.isActive, verified else {
            try await req.db.transaction { db in
                try await LoginThrottle.record(email: email, address: address, succeeded: false, now: now, on: db)
                try await AuditLog.append(on: db, actor: AuditActor(id: user?.id, label: "anonyme (\(address))"),
                                          action: "échec de connexion", target: "compte \(email)",
                                          details: user == nil ? "compte inconnu" : (user?.isActive == false ? "compte désactivé" : "mot de passe incorrect"),
                                          at: now)
            }
            req.logger.info("login failed")
            return try await render(req, email: email, next: next,
                                    error: "Adresse électronique ou mot de passe incorrect.", status: .unauthorized)
        }
        try await req.db.transaction { db in
            try await LoginThrottle.record(email: email, address: address, succeeded: true, now: now, on: db)
            try await UserSession.query(on: db).filter(\.$lastSeenAt < now.addingTimeInterval(-WebSession.idleLifetime)).delete()
            try await AuditLog.append(on: db, actor: AuditActor(id: user.id, label: "\(user.displayName) <\(user.email)>"),
                                      action: "connexion", target: "utilisateur \(user.email)", at: now)
        }
        try req.webSession?.start(for: user, request: req)
        req.auth.login(user)
        req.logger.info("login succeeded", metadata: ["user-id": .string(user.id?.uuidString ?? "")])
        return req.redirect(to: next.isEmpty ? SiteURL.home.path : next)
    }

    @Sendable
    func logout(req: Request) async throws -> Response {
        if let principal = try await req.principal() {
            try await AuditLog.append(on: req.db, actor: principal.auditActor, action: "déconnexion",
                                      target: "utilisateur \(principal.email)", at: req.now)
        }
        req.auth.logout(User.self)
        req.webSession?.end()
        return req.redirect(to: SiteURL.login(next: nil, expired: false).path)
    }

    struct PasswordPage: Encodable {
        let layout: LayoutContext
        let error: String?
        let minimumLength: Int
    }

    struct PasswordForm: Content {
        var actuel: String?
        var nouveau: String?
        var confirmation: String?
    }

    @Sendable
    func passwordPage(req: Request) async throws -> View {
        try await req.view.render("account/password", PasswordPage(
            layout: LayoutContext(request: req, title: "Changer de mot de passe", breadcrumbs: [("Mot de passe", nil)]),
            error: nil, minimumLength: Passwords.minimumLength))
    }

    @Sendable
    func changePassword(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(PasswordForm.self)
        guard let user = try await User.find(principal.userID, on: req.db) else { throw UserFacingError.notFound() }
        var problem: String?
        if !Passwords.verify(form.actuel ?? "", hash: user.passwordHash) {
            problem = "Le mot de passe actuel est incorrect."
        } else if let rule = Passwords.problem(with: form.nouveau ?? "") {
            problem = rule
        } else if form.nouveau != form.confirmation {
            problem = "La confirmation ne correspond pas au nouveau mot de passe."
        }
        if let problem {
            let view = try await req.view.render("account/password", PasswordPage(
                layout: LayoutContext(request: req, title: "Changer de mot de passe", breadcrumbs: [("Mot de passe", nil)]),
                error: problem, minimumLength: Passwords.minimumLength))
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
        user.passwordHash = try Passwords.hash(form.nouveau ?? "", app: req.application)
        let now = req.now
        let current = req.webSession?.record?.id
        try await req.db.transaction { db in
            try await user.save(on: db)
            // A changed password ends every other session and every API token of the account.
            try await Credentials.revokeAll(userID: principal.userID, keepingSession: current, at: now, on: db)
            try await AuditLog.append(on: db, actor: principal.auditActor, action: "changement de mot de passe",
                                      target: "utilisateur \(user.email)",
                                      details: "autres sessions fermées, jetons d'API révoqués", at: now)
        }
        req.webSession?.setFlash("Votre mot de passe a été changé. Vos autres sessions sont fermées et vos jetons d'API révoqués.")
        return req.redirect(to: SiteURL.home.path)
    }

    private func render(_ req: Request, email: String, next: String, error: String?, info: String? = nil,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let view = try await req.view.render("auth/login", LoginPage(
            layout: LayoutContext(request: req, title: "Connexion"), email: email, next: next, error: error, info: info))
        return try await view.encodeResponse(status: status, for: req)
    }

    /// Only same-site relative paths are followed after login (no open redirect): a path of
    /// plain printable characters that starts with one `/`. Control characters (a TAB or a new
    /// line, which browsers strip, turning `/%09/evil.example` into `//evil.example`), back
    /// slashes and percent-encoded slashes or back slashes are refused.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.count <= 512, raw.hasPrefix("/"), !raw.hasPrefix("//"),
              raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" }) else { return "" }
        let lowered = raw.lowercased()
        for encoded in ["%09", "%0a", "%0d", "%5c", "%2f", "%00", "%20"] where lowered.contains(encoded) { return "" }
        return raw
    }
}

