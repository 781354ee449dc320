import Vapor

struct AuditCommandGroup: AsyncCommandGroup {
    var help: String { "Journal d'audit." }
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
}

/// `caqes audit verify`: walks the hash chain and reports the first broken link.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Vérifie l'intégrité du journal d'audit (chaîne de hachages SHA-256)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let result = try await AuditLog.verify(on: app.db)
        switch result {
        case .intact: context.console.print(result.message)
        case .broken: throw CommandFailure(result.message)
        }
    }
}
