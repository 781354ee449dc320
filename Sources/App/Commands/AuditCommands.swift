import Vapor

struct AuditCommandGroup: AsyncCommandGroup {
    var help: String { "Journal d'audit." }
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
}

/// `caqes audit verify [--expect-head HASH]`: walks the hash chain, reports the first broken link,
/// and prints the head hash. Kept elsewhere (a ticket, a mail, another system), that head later
/// proves that nothing was cut from the end of the trail or recomputed.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "expect-head", help: "Hachage de tête relevé auparavant : le journal doit toujours le contenir.")
        var expectHead: String?
        init() {}
    }
    var help: String { "Vérifie l'intégrité du journal d'audit (chaîne de hachages SHA-256) et affiche sa tête." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let expected = signature.expectHead?.trimmingCharacters(in: .whitespaces).lowercased()
        if let expected, expected.count != 64 || !expected.allSatisfy(\.isHexDigit) {
            throw CommandFailure("--expect-head invalide : « \(expected) » (64 chiffres hexadécimaux attendus).")
        }
        let result = try await AuditLog.verify(on: app.db, expectedHead: expected)
        switch result {
        case .intact: context.console.print(result.message)
        case .broken: throw CommandFailure(result.message)
        }
    }
}
