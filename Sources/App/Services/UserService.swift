import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Creating and changing users, shared by the admin pages and `caqes users`. Every change is
/// written with its audit event in one transaction.
struct UserService {
    let db: any Database
    let app: Application

    struct NewUser {
        var email: String
        var displayName: String
        var role: Role
        var scopeCodes: [String]
        var password: String
        var legalRepresentative: Bool = false
        /// For an expert: the body whose indicators they review (OMEDIT, CPias, CRAtb, ORCA).
        var expertBody: String? = nil
    }

    /// French reasons why the new user is refused, all at once.
    func problems(with input: NewUser) async throws -> [String] {
        var problems: [String] = []
        let email = input.email.trimmingCharacters(in: .whitespaces).lowercased()
        if !Self.isEmail(email) { problems.append("Adresse électronique invalide : « \(input.email) ».") }
        else if try await User.query(on: db).filter(\.$email == email).count() > 0 {
            problems.append("Un compte existe déjà pour « \(email) ».")
        }
        if input.displayName.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("Le nom affiché est obligatoire.") }
        if let rule = Passwords.problem(with: input.password) { problems.append(rule) }
        if let body = input.expertBody, !body.isEmpty {
            if input.role != .expert { problems.append("L'organisme d'expertise ne s'indique que pour un expert.") }
            else if ReviewBody.parse(body) == nil {
                problems.append("Organisme d'expertise « \(body.prefix(20)) » inconnu (attendu : \(ReviewBody.allCases.map(\.rawValue).joined(separator: ", "))).")
            }
        }
        if let kind = input.role.requiredScopeKind {
            let codes = input.scopeCodes.filter { !$0.isEmpty }
            if codes.isEmpty {
                problems.append("Le rôle « \(input.role.label) » exige un périmètre : \(Self.scopeHint(kind)).")
            }
            for code in codes {
                if let problem = try await scopeProblem(kind: kind, code: code) { problems.append(problem) }
            }
        }
        return problems
    }

    @discardableResult
    func create(_ input: NewUser, actor: AuditActor) async throws -> User {
        let problems = try await problems(with: input)
        guard problems.isEmpty else { throw UserFacingError(.unprocessableEntity, problems.joined(separator: " ")) }
        let user = User(email: input.email.trimmingCharacters(in: .whitespaces).lowercased(),
                        displayName: input.displayName.trimmingCharacters(in: .whitespaces),
                        passwordHash: try Passwords.hash(input.password, app: app), role: input.role,
                        isLegalRepresentative: input.legalRepresentative)
        user.expertBody = input.expertBody.flatMap(ReviewBody.parse)?.rawValue
        try await db.transaction { db in
            try await user.create(on: db)
            if let kind = input.role.requiredScopeKind {
                for code in Set(input.scopeCodes.filter { !$0.isEmpty }) {
                    try await UserScope(userID: user.id!, kind: kind, code: code).create(on: db)
                }
            }
            try await AuditLog.append(on: db, actor: actor, action: "création d'utilisateur", target: "utilisateur \(user.email)",
                                      details: "rôle=\(input.role.rawValue) périmètre=\(input.scopeCodes.joined(separator: ","))", at: app.clock.now())
        }
        return user
    }

    func resetPassword(email: String, to password: String, actor: AuditActor) async throws {
        guard let user = try await User.query(on: db).filter(\.$email == email.lowercased()).first() else {
            throw UserFacingError(.notFound, "Aucun compte pour « \(email) ».")
        }
        if let rule = Passwords.problem(with: password) { throw UserFacingError(.unprocessableEntity, rule) }
        user.passwordHash = try Passwords.hash(password, app: app)
        let now = app.clock.now()
        let userID = try user.requireID()
        try await db.transaction { db in
            try await user.save(on: db)
            // A reset ends every session and revokes every API token of the account.
            try await Credentials.revokeAll(userID: userID, keepingSession: nil, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor, action: "réinitialisation de mot de passe", target: "utilisateur \(user.email)",
                                      details: "sessions fermées, jetons d'API révoqués", at: now)
        }
    }

    /// Activates or deactivates an account, only if nobody changed it since `expectedVersion` was
    /// read (the page's version): a conflict is a French 409, and nothing is written.
    func setActive(_ user: User, _ active: Bool, expectedVersion: Int? = nil, actor: AuditActor) async throws {
        let userID = try user.requireID()
        let expected = expectedVersion ?? user.version
        let now = app.clock.now()
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            let changed = try await sql.update("users").set("active", to: active).set("version", to: SQLRaw("version + 1"))
                .where("id", .equal, userID).where("version", .equal, expected).returning("id").all()
            guard !changed.isEmpty else {
                throw UserFacingError(.conflict, "Le compte \(user.email) vient d'être modifié par quelqu'un d'autre : rechargez la page pour voir son état, puis recommencez.")
            }
            // A deactivated account keeps no open session.
            if !active { try await UserSession.query(on: db).filter(\.$user.$id == userID).delete() }
            try await AuditLog.append(on: db, actor: actor, action: active ? "réactivation d'utilisateur" : "désactivation d'utilisateur",
                                      target: "utilisateur \(user.email)", at: now)
        }
        user.isActive = active
        user.version = expected + 1
    }

    private func scopeProblem(kind: ScopeKind, code: String) async throws -> String? {
        switch kind {
        case .region:
            return try await RegionModel.find(code, on: db) == nil ? "Région inconnue : « \(code) » (code INSEE attendu, par exemple 32)." : nil
        case .department:
            return try await DepartmentModel.find(code, on: db) == nil ? "Département inconnu : « \(code) »." : nil
        case .holder:
            do { _ = try FINESS(code) } catch { return "Titulaire : \(error.description)." }
            let count = try await Site.query(on: db).filter(\.$holderFINESS == code).count()
            return count == 0 ? "Titulaire inconnu : aucun établissement du registre n'a « \(code) » pour titulaire." : nil
        }
    }

    static func scopeHint(_ kind: ScopeKind) -> String {
        switch kind {
        case .region: "un ou plusieurs codes de région"
        case .department: "un ou plusieurs codes de département"
        case .holder: "le FINESS du titulaire du contrat"
        }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }
}
