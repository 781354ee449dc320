import Fluent
import Vapor

/// `caqes migrate`: applies pending migrations (or reverts them with `--revert`) without asking.
struct MigrateDatabaseCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Annule toutes les migrations (efface les données).")
        var revert: Bool
        init() {}
    }

    var help: String { "Met à jour le schéma de la base de données." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let label = app.caqesSettings.database.label
        if signature.revert {
            try await app.autoRevert()
            context.console.print("Migrations annulées sur \(label).")
        } else {
            try await app.autoMigrate()
            context.console.print("Base de données à jour (\(label)).")
        }
    }
}
