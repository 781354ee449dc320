import CAQESCore
import Fluent
import Vapor

struct UsersCommandGroup: AsyncCommandGroup {
    var help: String { "Comptes utilisateurs : création, mot de passe, jeton d'API." }
    var commands: [String: any AnyAsyncCommand] {
        ["create": CreateUserCommand(), "reset-password": ResetPasswordCommand(), "token": CreateTokenCommand()]
    }
}

/// `caqes users create --email … --name … --role … [--scope CODE…] [--password …]`.
struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Adresse électronique (identifiant).") var email: String?
        @Option(name: "name", help: "Nom affiché.") var name: String?
        @Option(name: "role", help: "admin, arsAnalyst, arsDirector, insurer, expert ou establishment.") var role: String?
        @Option(name: "scope", help: "Périmètre : codes de région, de département ou FINESS du titulaire, séparés par des virgules.") var scope: String?
        @Option(name: "password", help: "Mot de passe (sinon, un mot de passe est généré et affiché une fois).") var password: String?
        @Flag(name: "legal-representative", help: "Représentant légal de l'établissement.") var legalRepresentative: Bool
        @Option(name: "expert-body", help: "Pour un expert : l'organisme dont il relit les indicateurs (OMEDIT, CPias, CRAtb, ORCA, AM, ARS).") var expertBody: String?
        init() {}
    }

    var help: String { "Crée un compte utilisateur." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let email = signature.email, let name = signature.name, let roleText = signature.role else {
            throw CommandFailure("options obligatoires : --email, --name et --role")
        }
        guard let role = Role(rawValue: roleText) else {
            throw CommandFailure("rôle inconnu « \(roleText) » (attendu : \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let generated = signature.password == nil
        let password = signature.password ?? GeneratedPassword.make()
        let input = UserService.NewUser(
            email: email, displayName: name, role: role,
            scopeCodes: (signature.scope ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            password: password, legalRepresentative: signature.legalRepresentative, expertBody: signature.expertBody)
        let service = UserService(db: app.db, app: app)
        let problems = try await service.problems(with: input)
        guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "\n")) }
        let user = try await service.create(input, actor: .commandLine())
        context.console.print("Compte créé : \(user.email) (\(role.label)).")
        if generated { context.console.print("Mot de passe (affiché une seule fois) : \(password)") }
    }
}

/// `caqes users reset-password --email … [--password …]`.
struct ResetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Adresse électronique du compte.") var email: String?
        @Option(name: "password", help: "Nouveau mot de passe (sinon, généré et affiché une fois).") var password: String?
        init() {}
    }

    var help: String { "Réinitialise le mot de passe d'un compte." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let email = signature.email else { throw CommandFailure("option obligatoire : --email") }
        let password = signature.password ?? GeneratedPassword.make()
        do {
            try await UserService(db: app.db, app: app).resetPassword(email: email, to: password, actor: .commandLine())
        } catch let error as UserFacingError {
            throw CommandFailure(error.message)
        }
        context.console.print("Mot de passe réinitialisé pour \(email.lowercased()).")
        if signature.password == nil { context.console.print("Nouveau mot de passe (affiché une seule fois) : \(password)") }
    }
}

/// `caqes users token --email … --name …`: creates an API token and prints it once.
struct CreateTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Adresse électronique du compte.") var email: String?
        @Option(name: "name", help: "Nom du jeton.") var name: String?
        init() {}
    }

    var help: String { "Crée un jeton d'API pour un compte et l'affiche une seule fois." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let email = signature.email?.lowercased() else { throw CommandFailure("option obligatoire : --email") }
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
            throw CommandFailure("aucun compte pour « \(email) »")
        }
        let name = signature.name ?? "jeton créé en ligne de commande"
        let token = TokenHasher.generate()
        let record = APIToken(userID: user.id!, name: name, tokenHash: TokenHasher.hash(token), prefix: String(token.prefix(12)))
        try await app.db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.append(on: db, actor: .commandLine(), action: "création de jeton d'API",
                                      target: "jeton \(record.prefix)…", details: "\(name) pour \(email)", at: app.clock.now())
        }
        context.console.print(token)
    }
}

enum GeneratedPassword {
    /// 20 characters from four classes, so it always passes the password rules.
    static func make() -> String {
        let sets = [Array("abcdefghijkmnopqrstuvwxyz"), Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), Array("23456789"), Array("-_.!+")]
        var generator = SystemRandomNumberGenerator()
        var chars = sets.map { $0.randomElement(using: &generator)! }
        let all = sets.flatMap { $0 }
        while chars.count < 20 { chars.append(all.randomElement(using: &generator)!) }
        return String(chars.shuffled(using: &generator))
    }
}
