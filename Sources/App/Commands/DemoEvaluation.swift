import CAQESCore
import Fluent
import Vapor

/// The demo's evaluation cycle, through the same services as the pages, at past dates on the
/// application clock: contracts of the 2022 generation signed in 2022 (national-2022 and
/// regional-hdf-2022), then the 2023 Hauts-de-France campaign, evaluated in 2024, with
/// self-assessments in several states: a draft (EPSM), two first decisions whose period is over,
/// one with an observation to answer (Valenciennes, Maubeuge, whose indicator was sent back and
/// completed), and one decision in its first contradictory period now (CHU de Lille).
/// The PHEV figures are invented (Resources/Demo/README.md).
enum DemoEvaluation {
    static let measuresFile = "evaluation_2022_2023_demo_hdf.csv"

    static func seed(app: Application, console: any Console, password: String) async throws {
        guard try await EvaluationCampaign.query(on: app.db).count() == 0 else {
            console.print("Évaluation de démonstration : déjà présente.")
            return
        }
        let resources = app.directory.resourcesDirectory + "Demo/"
        _ = try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
            .run(kind: .measures, path: resources + measuresFile, fileName: measuresFile,
                 options: MeasuresImportOptions(year: nil, skipUnknown: true), actor: .system)
        let clock = app.clock
        defer { clock.useRealTime() }
        func at(_ iso: String, hour: Int = 10) -> Date { (try! LocalDate(iso)).instant(hour: hour, minute: 0, second: 0, timeZone: LegalClock.paris) }
        let analyst = try await DemoContracting.actor("analyste.hdf@demo.caqes.fr", app: app)
        let director = try await DemoContracting.actor("direction.hdf@demo.caqes.fr", app: app)
        let insurer = try await DemoContracting.actor("cpam.nord@demo.caqes.fr", app: app)
        let expert = try await DemoContracting.actor("omedit.hdf@demo.caqes.fr", app: app)
        let lille = try await DemoContracting.actor("chu.lille@demo.caqes.fr", app: app)
        let valenciennes = try await DemoContracting.actor("ch.valenciennes@demo.caqes.fr", app: app)
        let maubeuge = try await DemoContracting.actor("ch.maubeuge@demo.caqes.fr", app: app)
        let epsm = try await DemoContracting.actor("epsm.lille@demo.caqes.fr", app: app)
        let signers: [String: ContractingActor] = ["590780193": lille, "590782215": valenciennes, "590781803": maubeuge, "590034740": epsm]

        // 2022: the targeting of the 2022 generation, frozen, and four contracts signed.
        clock.set(at("2022-06-01"))
        let campaigns = CampaignService(db: app.db, app: app, actor: analyst, now: clock.now())
        let targeting = try await campaigns.create(region: "32", year: 2022, catalogueIDs: ["national-2022", "regional-hdf-2022"])
        let results = try await campaigns.results(targeting)
        for holder in DemoContracting.holders {
            for indicator in ["N1", "HDF-CONCIL"] where !results.contains(where: { $0.holderFINESS == holder.finess && $0.indicator == indicator && $0.outcome == "oui" }) {
                _ = try await campaigns.override(targeting, holder: holder.finess, indicator: indicator, included: true,
                                                 reason: "Démonstration : \(holder.reason) ciblé sur \(indicator) pour montrer l'évaluation annuelle.")
            }
        }
        let frozen = try await CampaignService(db: app.db, app: app, actor: director, now: clock.now())
            .freeze(targeting, decisionDate: LegalClock.today(clock.now()))
        for holder in DemoContracting.holders {
            clock.set(at("2022-06-02"))
            let (contract, _) = try await ContractService(db: app.db, app: app, actor: analyst, now: clock.now()).create(.init(
                campaignID: try frozen.requireID(), holder: holder.finess,
                start: try LocalDate("2022-07-01"), end: try LocalDate("2024-12-31"), amProducts: 80_000_000))
            let id = try contract.requireID()
            func act(_ type: ContractAct, _ actor: ContractingActor, _ day: String, date: String? = nil) async throws {
                clock.set(at(day))
                _ = try await ContractService(db: app.db, app: app, actor: actor, now: clock.now())
                    .act(on: id, .init(type: type.rawValue, date: date, password: type == .signature ? password : nil))
            }
            try await act(.insuranceOpinion, insurer, "2022-06-03", date: "2022-06-03")
            try await act(.send, director, "2022-06-07")
            try await act(.receipt, analyst, "2022-06-08", date: "2022-06-08")
            try await act(.cmeOpinion, signers[holder.finess] ?? lille, "2022-06-14", date: "2022-06-13")
            try await act(.acceptance, signers[holder.finess] ?? lille, "2022-06-14")
            try await act(.signature, signers[holder.finess] ?? lille, "2022-06-15")
            try await act(.signature, director, "2022-06-16")
            try await act(.signature, insurer, "2022-06-17")
        }
        clock.set(at("2022-07-01", hour: 1))
        _ = try await JobRunner.runDue(app: app)

        // 2024: the 2023 campaign, opened on 9 September with a 400 000 € FIR envelope.
        clock.set(at("2024-09-09"))
        let campaign = try await EvaluationService(db: app.db, app: app, actor: analyst, now: clock.now())
            .createCampaign(.init(region: "32", year: 2023, envelope: 400_000))
        let assessments = try await EvaluationService(db: app.db, app: app, actor: analyst, now: clock.now()).assessments(of: campaign)
        func assessment(_ finess: String) -> SelfAssessment? { assessments.first { $0.holderFINESS == finess } }
        func service(_ actor: ContractingActor, _ day: String) -> EvaluationService {
            clock.set(at(day))
            return EvaluationService(db: app.db, app: app, actor: actor, now: clock.now())
        }
        func fill(_ finess: String, actor: ContractingActor, grade: String, day: String) async throws -> SelfAssessment? {
            guard let form = assessment(finess), let id = form.id else { return nil }
            let saved = try await service(actor, day).saveDraft(id, version: form.version, indicators: [
                .init(code: "N1", valeurs: nil, commentaire: "Substitution des ARA II par des IEC à la sortie, suivie en COMEDIMS.",
                      plan_action: [ActionItem(action: "Former les internes à la prescription de sortie", responsable: "Pharmacie à usage intérieur",
                                               echeance: "2025-03-31", statut: "en_cours")]),
                .init(code: "HDF-CONCIL", valeurs: ["conciliation_grade": grade], commentaire: "Conciliation à l'entrée dans 3 services pilotes.", plan_action: nil),
            ])
            let evidence = try await IncomingFile.store(Array("Rapport de conciliation médicamenteuse 2023 — \(form.holderName) (démonstration)\n".utf8),
                                                        in: app.fileStore, db: app.db, at: clock.now())
            return try await service(actor, day).addEvidence(try saved.requireID(), indicator: "HDF-CONCIL", sha256: evidence,
                                                             name: "conciliation-2023.txt")
        }
        // CHU de Lille: submitted, reviewed, first decision notified and received: period 1 runs now.
        if let form = try await fill("590780193", actor: lille, grade: "B", day: "2024-09-30"), let id = form.id {
            _ = try await service(lille, "2024-10-01").submit(id)
            _ = try await service(analyst, "2024-10-15").review(id, .init(indicator: "N1", decision: "acceptee", values: [:], reason: nil))
            _ = try await service(expert, "2024-10-16").review(id, .init(indicator: "HDF-CONCIL", decision: "acceptee", values: [:],
                                                                         reason: "Grille C1200 vérifiée sur pièces."))
            let now = Date()
            let decision = try await EvaluationDecisions(db: app.db, app: app, actor: director, now: now.addingTimeInterval(-6 * 86_400))
                .issue(id, .init(step: DecisionStep.first.rawValue))
            clock.set(now.addingTimeInterval(-5 * 86_400))
            _ = try await EvaluationDecisions(db: app.db, app: app, actor: lille, now: clock.now())
                .act(on: try decision.requireID(), .init(type: EvaluationAct.receipt.rawValue))
        }
        func decide(_ id: UUID, _ day: String, receipt: ContractingActor, on received: String, observation: String? = nil) async throws {
            clock.set(at(day))
            let decision = try await EvaluationDecisions(db: app.db, app: app, actor: director, now: clock.now()).issue(id, .init(step: DecisionStep.first.rawValue))
            clock.set(at(received))
            _ = try await EvaluationDecisions(db: app.db, app: app, actor: receipt, now: clock.now())
                .act(on: try decision.requireID(), .init(type: EvaluationAct.receipt.rawValue))
            if let observation {
                clock.set(at("2024-11-20"))
                _ = try await EvaluationDecisions(db: app.db, app: app, actor: receipt, now: clock.now())
                    .act(on: try decision.requireID(), .init(type: EvaluationAct.observations.rawValue, texte: observation))
            }
        }
        // CH de Valenciennes: one indicator corrected by the OMéDIT; first decision in 2024, with an
        // observation the ARS has yet to answer (its period is over).
        if let form = try await fill("590782215", actor: valenciennes, grade: "B", day: "2024-10-02"), let id = form.id {
            _ = try await service(valenciennes, "2024-10-03").submit(id)
            _ = try await service(expert, "2024-10-17").review(id, .init(indicator: "HDF-CONCIL", decision: "corrigee", values: ["conciliation_grade": "C"],
                                                                         reason: "Les pièces montrent une conciliation à l'entrée seulement : note C."))
            _ = try await service(analyst, "2024-10-20").review(id, .init(indicator: "N1", decision: "acceptee", values: [:], reason: nil))
            try await decide(id, "2024-11-04", receipt: valenciennes, on: "2024-11-05",
                             observation: "Nous contestons la note C : la conciliation de sortie est en place depuis juin 2023 dans deux services (pièces jointes au dossier).")
        }
        // CH de Maubeuge: conciliation sent back for its evidence, completed, accepted; first decision in 2024.
        if let form = try await fill("590781803", actor: maubeuge, grade: "A", day: "2024-10-07"), let id = form.id {
            _ = try await service(maubeuge, "2024-10-08").submit(id)
            _ = try await service(expert, "2024-10-18").review(id, .init(indicator: "HDF-CONCIL", decision: "renvoyee", values: [:],
                                                                         reason: "La pièce ne couvre pas l'année 2023 : joignez le bilan 2023."))
            let bilan = try await IncomingFile.store(Array("Bilan 2023 de la conciliation médicamenteuse — CH de Maubeuge (démonstration)\n".utf8),
                                                     in: app.fileStore, db: app.db, at: clock.now())
            _ = try await service(maubeuge, "2024-10-21").addEvidence(id, indicator: "HDF-CONCIL", sha256: bilan, name: "bilan-conciliation-2023.txt")
            _ = try await service(maubeuge, "2024-10-21").submit(id)
            _ = try await service(expert, "2024-10-22").review(id, .init(indicator: "HDF-CONCIL", decision: "acceptee", values: [:], reason: "Bilan 2023 reçu."))
            _ = try await service(analyst, "2024-10-23").review(id, .init(indicator: "N1", decision: "acceptee", values: [:], reason: nil))
            try await decide(id, "2024-11-04", receipt: maubeuge, on: "2024-11-06")
        }
        // Valenciennes' and Maubeuge's periods end on their legal dates, by the expiry jobs.
        clock.set(at("2024-12-07"))
        _ = try await JobRunner.runDue(app: app)
        // EPSM: a draft in progress, not submitted.
        if let form = assessment("590034740"), let id = form.id {
            _ = try await service(epsm, "2024-10-04").saveDraft(id, version: form.version, indicators: [
                .init(code: "N1", valeurs: nil, commentaire: "Dépenses en hausse : nouveaux patients suivis en ambulatoire.", plan_action: nil),
            ])
        }
        try await seedGrid(app: app, analyst: analyst, director: director, lille: lille, valenciennes: valenciennes, maubeuge: maubeuge)
        clock.useRealTime()
        _ = try await JobRunner.runDue(app: app)
        let lines = try await EvaluationService(db: app.db, app: app, actor: analyst, now: Date()).assessments(of: campaign).map {
            "\($0.holderName) : \(EvaluationProcedure.State(code: $0.state)?.description ?? $0.state)"
        }
        console.print("Campagne d'évaluation 2023 (HDF) :")
        for line in lines.sorted() { console.print("  \(line)") }
    }

    /// A 2018-grid campaign on Normandie's grid with Hauts-de-France holders (« Normandie-like »):
    /// activity 2018, regional target 70 %, evaluated in 2019. CHU de Lille meets it; CH de
    /// Valenciennes misses it (a sanction on its AM products of 2018 is due, first decision
    /// taken); CH de Maubeuge's grid is a draft.
    static func seedGrid(app: Application, analyst: ContractingActor, director: ContractingActor, lille: ContractingActor,
                         valenciennes: ContractingActor, maubeuge: ContractingActor) async throws {
        let clock = app.clock
        func at(_ iso: String) -> Date { (try! LocalDate(iso)).instant(hour: 10, minute: 0, second: 0, timeZone: LegalClock.paris) }
        clock.set(at("2019-03-01"))
        let calendar = try EvaluationCalendar(entryStart: try LocalDate("2019-03-01"), entryEnd: try LocalDate("2019-03-31"),
                                              analysisEnd: try LocalDate("2019-04-30"), firstDecision: try LocalDate("2019-05-15"),
                                              secondDecision: try LocalDate("2019-06-20"), finalDecisionBy: try LocalDate("2019-07-31"))
        let campaign = try await EvaluationService(db: app.db, app: app, actor: analyst, now: clock.now()).createCampaign(.init(
            region: "32", year: 2018, calendar: calendar, grid: "normandie-2018", gridTarget: 70, gridHolders: [
                .init(finess: "590780193", products: 812_345_678.90, sectors: [.mco, .ssr], previous: nil),
                .init(finess: "590782215", products: 80_000_000, sectors: [.mco, .ssr], previous: 64),
                .init(finess: "590781803", products: 45_000_000, sectors: [.mco], previous: nil),
            ]))
        let grid = try app.grid("normandie-2018")
        let assessments = try await EvaluationService(db: app.db, app: app, actor: analyst, now: clock.now()).assessments(of: campaign)
        /// Every applicable criterion answered: `pattern` cycles over the qualitative ones; the
        /// quantitative ones whose thresholds the COPIL has not fixed are NC.
        func answers(_ assessment: SelfAssessment, pattern: [String]) -> [String: String] {
            var result: [String: String] = [:], index = 0
            for criterion in grid.criteria where criterion.maxPoints(for: EvaluationService.sectors(assessment)) != nil {
                switch criterion.measure {
                case .quantitative(nil): result[criterion.id] = "NC"
                case .quantitative: result[criterion.id] = pattern.first == "R" ? "55" : "30"
                default:
                    result[criterion.id] = pattern[index % pattern.count]
                    index += 1
                }
            }
            return result
        }
        for (finess, actor, pattern, submit) in [("590780193", lille, ["R", "R", "R", "PR"], true),
                                                 ("590782215", valenciennes, ["R", "PR", "NR", "R"], true),
                                                 ("590781803", maubeuge, ["R", "PR"], false)] {
            guard let form = assessments.first(where: { $0.holderFINESS == finess }), let id = form.id else { continue }
            clock.set(at("2019-03-20"))
            _ = try await EvaluationService(db: app.db, app: app, actor: actor, now: clock.now())
                .saveDraft(id, version: form.version, indicators: [], grid: answers(form, pattern: pattern))
            guard submit else { continue }
            clock.set(at("2019-03-28"))
            _ = try await EvaluationService(db: app.db, app: app, actor: actor, now: clock.now()).submit(id)
            clock.set(at("2019-04-10"))
            _ = try await EvaluationService(db: app.db, app: app, actor: analyst, now: clock.now())
                .review(id, .init(indicator: "GRILLE", decision: "acceptee", values: [:], reason: "Grille vérifiée en visite."))
            if finess == "590782215" {
                clock.set(at("2019-05-15"))
                _ = try await EvaluationDecisions(db: app.db, app: app, actor: director, now: clock.now()).issue(id, .init(step: DecisionStep.first.rawValue))
            }
        }
    }
}
