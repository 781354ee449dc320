import CAQESCore
import Fluent
import Vapor

/// `caqes contracts list [--region R] [--state S]`: the contracts, one French CSV line each.
struct ContractsCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["list": ContractsListCommand()] }
    var help: String { "Contrats : liste." }
}

struct ContractsListCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "region", help: "Code de la région (ex. 32).") var region: String?
        @Option(name: "state", help: "État (cible, proposition_envoyee, periode_1, …, en_vigueur).") var state: String?
        init() {}
    }

    var help: String { "Liste des contrats : titulaire, état, échéance, attente de." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let service = ContractService(db: app.db, app: app, actor: .platform, now: app.clock.now())
        let contracts: [Contract]
        do { contracts = try await service.list(region: signature.region, state: signature.state) } catch let error as UserFacingError {
            throw CommandFailure(error.message)
        }
        var rows = [["id", "titulaire", "nom", "region", "departement", "etat", "echeance", "attente_de"]]
        for c in contracts {
            rows.append([c.id?.uuidString.lowercased() ?? "", c.holderFINESS, c.holderName, c.regionCode, c.departmentCode,
                         c.state, c.deadline ?? "", c.waitingOn])
        }
        AnalystInput.write(rows)
    }
}

/// `caqes jobs run-once`: runs the jobs that are due now (deadlines, imports, e-mails) and stops.
struct JobsCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["run-once": JobsRunOnceCommand()] }
    var help: String { "Tâches : exécution des tâches échues." }
}

struct JobsRunOnceCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Exécute maintenant les tâches échues (échéances, imports, courriels), puis s'arrête." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let report = try await JobRunner.runDue(app: app)
        context.console.print("\(report.jobs) tâche(s) exécutée(s), \(report.mails) courriel(s) envoyé(s).")
        for line in report.messages { context.console.print("- \(line)") }
    }
}
