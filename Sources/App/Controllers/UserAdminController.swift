import CAQESCore
import Fluent
import Vapor

/// User administration (admin only): list, create, deactivate / reactivate.
struct UserAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(AccessGuard(family: .users, api: false))
        admin.get(SiteURL.Route.users.components, use: list)
        admin.post(SiteURL.Route.users.components, use: create)
        admin.post(SiteURL.Route.userActivation.components, use: toggle)
    }

    struct UserRow: Encodable {
        let email: String; let name: String; let role: String; let scope: String; let active: Bool
        let legalRepresentative: Bool; let toggleHref: String; let version: Int
    }

    struct UsersPage: Encodable {
        let layout: LayoutContext
        let users: [UserRow]
        let roles: [SelectOption]
        let errors: [String]
        let form: FormValues
        /// The bodies an expert reviews for (the catalogue's `review.by`).
        let expertBodies: [SelectOption]
    }

    struct FormValues: Encodable { var email = ""; var name = ""; var scope = ""; var expertBody = "" }

    struct CreateForm: Content {
        var email: String?; var nom: String?; var role: String?; var perimetre: String?
        var mot_de_passe: String?; var representant_legal: String?; var organisme_expertise: String?
    }

    @Sendable
    func list(req: Request) async throws -> View {
        try await render(req, errors: [], form: FormValues(), selectedRole: nil)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(CreateForm.self)
        let values = FormValues(email: form.email ?? "", name: form.nom ?? "", scope: form.perimetre ?? "", expertBody: form.organisme_expertise ?? "")
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            let view = try await render(req, errors: ["Choisissez un rôle."], form: values, selectedRole: nil)
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
        let input = UserService.NewUser(
            email: form.email ?? "", displayName: form.nom ?? "", role: role,
            scopeCodes: (form.perimetre ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init),
            password: form.mot_de_passe ?? "", legalRepresentative: form.representant_legal == "on",
            expertBody: form.organisme_expertise.flatMap { $0.isEmpty ? nil : String($0.prefix(20)) })
        let service = UserService(db: req.db, app: req.application)
        let problems = try await service.problems(with: input)
        guard problems.isEmpty else {
            let view = try await render(req, errors: problems, form: values, selectedRole: role)
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
        let user = try await service.create(input, actor: principal.auditActor)
        req.webSession?.setFlash("Compte créé pour \(user.email).")
        return req.redirect(to: SiteURL.users.path)
    }

    @Sendable
    func toggle(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self), let user = try await User.find(id, on: req.db) else {
            throw UserFacingError.notFound()
        }
        guard id != principal.userID else {
            throw UserFacingError(.unprocessableEntity, "Vous ne pouvez pas désactiver votre propre compte.")
        }
        // The form says which state it asks for and which version of the account it saw.
        struct Form: Decodable { var version: String?; var actif: String? }
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let active = form.actif.map { $0 == "oui" } ?? !user.isActive
        let expected = form.version.flatMap { Int($0) } ?? user.version
        try await UserService(db: req.db, app: req.application).setActive(user, active, expectedVersion: expected, actor: principal.auditActor)
        req.webSession?.setFlash(user.isActive ? "Compte \(user.email) réactivé." : "Compte \(user.email) désactivé.")
        return req.redirect(to: SiteURL.users.path)
    }

    private func render(_ req: Request, errors: [String], form: FormValues, selectedRole: Role?) async throws -> View {
        let principal = try await req.requirePrincipal()
        let users = try await User.query(on: req.db).with(\.$scopes).sort(\.$email).all()
        let rows = users.map { user in
            UserRow(email: user.email, name: user.displayName,
                    role: user.roleValue.label + (user.expertBody.flatMap(ReviewBody.parse).map { " (\($0.description))" } ?? ""),
                    scope: user.scopes.map(\.code).sorted().joined(separator: ", "), active: user.isActive,
                    legalRepresentative: user.isLegalRepresentative,
                    toggleHref: SiteURL.userActivation(user.id!).path, version: user.version)
        }
        return try await req.view.render("admin/users", UsersPage(
            layout: LayoutContext(request: req, title: "Utilisateurs", principal: principal, breadcrumbs: [("Utilisateurs", nil)]),
            users: rows,
            roles: Role.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == selectedRole) },
            errors: errors, form: form,
            expertBodies: ReviewBody.allCases.filter { $0 != .ars && $0 != .insurer }.map {
                SelectOption(value: $0.rawValue, label: $0.description, selected: $0.rawValue == form.expertBody)
            }))
    }
}
