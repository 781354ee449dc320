import CAQESCore
import Fluent
import Vapor

/// `caqes campaigns list | results ID | payment-file ID`: evaluation campaigns from the command
/// line, in the API's CSV (`;`, BOM, French decimals).
struct CampaignsCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] {
        ["list": CampaignsListCommand(), "results": CampaignResultsCommand(), "payment-file": CampaignPaymentFileCommand()]
    }
    var help: String { "Campagnes d'évaluation : liste, résultats, fichier de paiement." }
}

private func campaignContext(_ context: CommandContext) async throws -> EvaluationService {
    let app = context.application
    try await app.autoMigrate()
    return EvaluationService(db: app.db, app: app, actor: .platform, now: app.clock.now())
}

private func findCampaign(_ text: String, service: EvaluationService) async throws -> EvaluationCampaign {
    guard let id = UUID(uuidString: text) else { throw CommandFailure("identifiant de campagne « \(text.prefix(40)) » invalide (UUID attendu ; voir « caqes campaigns list »)") }
    do { return try await service.findCampaign(id) } catch { throw CommandFailure("campagne d'évaluation \(id.uuidString.lowercased()) introuvable") }
}

private func writeCSV(_ rows: [[String]]) {
    var writer = FrenchCSVWriter()
    for row in rows { writer.appendRow(row) }
    FileHandle.standardOutput.write(writer.data)
}

struct CampaignsListCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Liste des campagnes d'évaluation : région, année, enveloppe, auto-évaluations par état." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let service = try await campaignContext(context)
        var rows = [["id", "region", "annee", "type", "enveloppe", "autoevaluations", "etats"]]
        for campaign in try await service.listCampaigns() {
            let assessments = try await service.assessments(of: campaign)
            let states = Dictionary(grouping: assessments, by: \.state).map { "\($0.key)=\($0.value.count)" }.sorted().joined(separator: " ")
            rows.append([try campaign.requireID().uuidString.lowercased(), campaign.regionCode, String(campaign.year), campaign.kind,
                         EvaluationResults.frenchDecimal(campaign.envelope), String(assessments.count), states])
        }
        writeCSV(rows)
    }
}

struct CampaignResultsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "Identifiant de la campagne d'évaluation.") var id: String
        init() {}
    }
    var help: String { "Résultats de la campagne (même CSV que l'API resultats.csv) : une ligne par titulaire et indicateur." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let service = try await campaignContext(context)
        let campaign = try await findCampaign(signature.id, service: service)
        let results = EvaluationResults(db: service.db, app: service.app, actor: .platform, now: service.now)
        do {
            let run = try await results.current(campaign)
            writeCSV(EvaluationResults.csv(try await results.lines(campaign, version: run.version)))
        } catch let error as UserFacingError { throw CommandFailure(error.message) }
    }
}

struct CampaignPaymentFileCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "Identifiant de la campagne d'évaluation.") var id: String
        init() {}
    }
    var help: String { "Fichier de paiement FIR / AM des décisions définitives (même CSV que l'API paiements.csv)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let service = try await campaignContext(context)
        let campaign = try await findCampaign(signature.id, service: service)
        let lines = try await EvaluationResults(db: service.db, app: service.app, actor: .platform, now: service.now)
            .paymentLines(campaign, scope: try await service.assessments(of: campaign))
        writeCSV(EvaluationResults.paymentRows(lines))
    }
}
