@testable import App
import CAQESCore
import Fluent
import SQLKit
import Foundation
import CAQESData
import CAQESTestSupport
import Testing
import Vapor
import VaporTesting

/// The yearly evaluation end to end through the API, on the IDF 2024 calendar and B.8 ex. 1
/// figures: campaign → draft → submission (sealed report) → review → results equal to the engine
/// → decision 1 → receipt → observations → expiry by job → answer → decision 2 → final →
/// payment file and status.
@Suite("Evaluation API")
struct EvaluationAPITests {
    typealias Client = ContractingAPITests.Client
    static func at(_ iso: String, _ hour: Int = 10, _ minute: Int = 0, _ second: Int = 0) -> Date {
        ContractingAPITests.at(iso, hour, minute, second)
    }

    /// The CHU de Lille contract (N1), signed by the three parties in 2022, in force from 2023;
    /// its 2023 ARA II + IEC spending makes B.8 ex. 1 (250 000 → 220 000 €).
    static func signedLille(_ app: Application) async throws -> Client {
        try await ContractingAPITests.setUp(app)
        var (client, campaign) = try await ContractingAPITests.frozenCampaign(app)
        let id = try await client.lilleContract(campaign)
        app.clock.set(at("2022-09-26"))
        _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-09-20"}"#, as: "cpam@am.fr")
        _ = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
        app.clock.set(at("2022-10-03"))
        _ = try await client.act(id, #"{"type": "accuse_reception"}"#, as: "chu@lille.fr")
        app.clock.set(at("2022-10-10"))
        _ = try await client.act(id, #"{"type": "avis_cme", "date": "2022-10-07"}"#, as: "chu@lille.fr")
        _ = try await client.act(id, #"{"type": "acceptation"}"#, as: "chu@lille.fr")
        for signer in ["chu@lille.fr", "dg@ars.fr", "cpam@am.fr"] {
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: signer)
        }
        let measures = """
            finess;mesure;annee;valeur
            590780193;phev_ara2_amount;2023;130000
            590780193;phev_iec_amount;2023;90000
            590780193;phev_ara2_ucd;2023;500
            590780193;phev_iec_ucd;2023;400
            """
        try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
            .run(kind: .measures, path: try temporaryFile(measures + "\n"), fileName: "n1-2023.csv", options: .init(), actor: .system)
        return client
    }

    @Test("The whole cycle: entry, review, results to the cent, two decisions, periods, final, payment")
    func cycle() async throws {
        try await withApp { app in
            var client = try await Self.signedLille(app)
            app.clock.set(Self.at("2024-09-09"))
            // Opening: the ARS only, in its region, once.
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "chu@lille.fr", #"{"region": "32", "annee": 2023}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste-idf@ars.fr", #"{"region": "32", "annee": 2023}"#, expect: .notFound)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                      #"{"region": "32", "annee": 2023, "calendrier": {"decision_2": "2024-11-10"}}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                      #"{"region": "32", "annee": 2023, "enveloppe": "12,5"}"#, expect: .unprocessableEntity)
            let campaign = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                                 #"{"region": "32", "annee": 2023, "enveloppe": "100000.00"}"#, expect: .created)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 2023}"#, expect: .conflict)
            let campaignID = try #require(campaign["id"] as? String)
            let items = try #require(campaign["autoevaluations"] as? [[String: Any]])
            #expect(items.count == 1)
            let item = try #require(items.first)
            #expect(item["titulaire"] as? String == "590780193" && item["etat"] as? String == "a_saisir" && item["contrat"] is String)
            let phases = try #require(campaign["calendrier"] as? [[String: Any]])
            #expect(phases.first { $0["code"] as? String == "periode_1" }?["fin"] as? String == "2024-12-04")
            let id = try #require(item["id"] as? String)
            // Scope: another establishment, another region: 404; the expert sees no indicator of another body.
            _ = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "autre@etab.fr", expect: .notFound)
            _ = try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)", as: "analyste-idf@ars.fr", expect: .notFound)
            let expertView = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "expert@omedit.fr")
            #expect((expertView["indicateurs"] as? [[String: Any]])?.isEmpty == true)

            // The establishment's draft, with optimistic locking; nobody else writes it.
            let form = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")
            let version = try #require(form["version"] as? Int)
            let n1 = try #require((form["indicateurs"] as? [[String: Any]])?.first { $0["code"] as? String == "N1" })
            #expect(n1["statut"] as? String == "a_saisir" && n1["modifiable"] as? Bool == true)
            // Prefilled from the stored measures, each with its file and row.
            let imported = try #require(n1["valeurs_importees"] as? [[String: Any]])
            #expect(imported.contains { $0["mesure"] as? String == "phev_ara2_amount" && $0["annee"] as? Int == 2023
                && $0["valeur"] as? String == "130000" && ($0["source"] as? String)?.hasPrefix("n1-2023.csv, ligne ") == true }, "\(imported)")
            #expect(imported.contains { $0["mesure"] as? String == "phev_iec_amount" && $0["annee"] as? Int == 2022 })
            let draft = #"{"version": \#(version), "indicateurs": [{"code": "N1", "commentaire": "Politique de substitution IEC", "plan_action": [{"action": "Former les prescripteurs", "responsable": "Pharmacie", "echeance": "2025-03-31", "statut": "en_cours"}]}]}"#
            _ = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "analyste@ars.fr", draft, expect: .forbidden)
            let bad = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr",
                                             #"{"version": \#(version), "indicateurs": [{"code": "N1", "valeurs": {"phev_ara2_amount": "1"}}, {"code": "N9"}]}"#,
                                             expect: .unprocessableEntity)
            #expect((bad["erreur"] as? String)?.contains("N9") == true && (bad["erreur"] as? String)?.contains("phev_ara2_amount") == true)
            let saved = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", draft)
            #expect(saved["etat"] as? String == "saisie")
            _ = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", draft, expect: .conflict)
            // Review before submission is refused; the simulation reads the draft.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .conflict)
            let simulation = try await client.json(.GET, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr")
            #expect((simulation["lignes"] as? [[String: Any]])?.first { $0["indicateur"] as? String == "N1" }?["montant"] as? String == "9000.00")
            // POSTed values are laid over the draft as the establishment types, never stored; only
            // the measures it declares are accepted.
            let posted = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr", #"{"indicateurs": []}"#)
            #expect((posted["lignes"] as? [[String: Any]])?.first { $0["indicateur"] as? String == "N1" }?["montant"] as? String == "9000.00")
            let undeclared = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr",
                                                   #"{"indicateurs": [{"code": "N1", "valeurs": {"phev_ara2_amount": "1"}}, {"code": "ZZ", "valeurs": {}}]}"#,
                                                   expect: .unprocessableEntity)
            #expect((undeclared["erreur"] as? String)?.contains("phev_ara2_amount") == true && (undeclared["erreur"] as? String)?.contains("ZZ") == true)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr", #"{"indicateurs": "x"}"#, expect: .unprocessableEntity)

            // Submission: the sealed report, visible to the holder, not to another one.
            let submitted = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr")
            #expect(submitted["etat"] as? String == "analyse" && submitted["soumissions"] as? Int == 1)
            let report = try #require((submitted["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "rapport_autoevaluation" }?["sha256"] as? String)
            let pdf = try await client.send(.GET, "/api/v1/documents/\(report)", as: "chu@lille.fr")
            #expect(pdf.status == .ok && pdf.headers.contentType?.subType == "pdf")
            #expect(try await client.send(.GET, "/api/v1/documents/\(report)", as: "autre@etab.fr").status == .notFound)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr", expect: .conflict)
            // Reminders were queued at the opening: 7 and 2 days before the entry deadline (09/10) to
            // the establishment, before the final-decision date (31/12) to the ARS. Submitted, the
            // establishment's entry reminder is dropped when it falls due.
            let reminders = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id)).filter(\.$kind == "rappel_calendrier").all()
            #expect(reminders.contains { $0.subject.contains("rappel : 7 jours avant l'échéance du 09/10/2024") && $0.recipient == "chu@lille.fr" })
            #expect(reminders.contains { $0.subject.contains("rappel : 2 jours avant l'échéance du 09/10/2024") && $0.recipient == "chu@lille.fr" })
            #expect(reminders.contains { $0.subject.contains("l'échéance du 31/12/2024") && $0.recipient == "dg@ars.fr" })
            app.clock.set(Self.at("2024-10-02", 8, 0, 1))
            try await Outbox.sendDue(app: app)
            let entry7 = try #require(try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id))
                .filter(\.$recipient == "chu@lille.fr").filter(\.$subject ~~ "7 jours avant l'échéance du 09/10/2024").first())
            #expect(entry7.state == Outbox.moot)

            // Review: the fund does not review an ARS indicator; a send-back needs its reason.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "cpam@am.fr",
                                      #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "renvoyee"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "validee"}"#, expect: .unprocessableEntity)
            let reviewed = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                                 #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .created)
            #expect((reviewed["indicateurs"] as? [[String: Any]])?.first?["statut"] as? String == "accepte")

            // Results equal the engine's (`caqes incentive` on the same stored measures) to the cent.
            let results = try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats", as: "analyste@ars.fr")
            let lines = try #require(results["lignes"] as? [[String: Any]])
            let line = try #require(lines.first { $0["indicateur"] as? String == "N1" })
            #expect(line["economie"] as? String == "30000.00" && line["montant"] as? String == "9000.00" && line["taux"] as? String == "0.3")
            #expect((line["explication"] as? String)?.isEmpty == false)
            let catalogue = try #require(try app.catalogues()["national-2022"])
            let engine = try IncentiveCommand.rows(catalogue: catalogue, year: 2023,
                                                   measures: try await MeasureRepository(db: app.db).measureSet(for: catalogue),
                                                   rates: [:], contractStart: 2023)
            let engineN1 = try #require(engine.first { $0[0] == "590780193" && $0[1] == "N1" })
            #expect(engineN1[4] == "9000,00" && EvaluationResults.frenchDecimal(line["montant"] as? String ?? "") == engineN1[4])
            #expect(lines.contains { $0["indicateur"] as? String == "FIR" })
            let csv = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats.csv", as: "analyste@ars.fr")
            #expect(csv.body.string.contains("590780193;") && csv.body.string.contains(";9000,00;"))

            // Decision 1: the director only; results and eligibility, motivated and sealed.
            app.clock.set(Self.at("2024-11-04"))
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "analyste@ars.fr", #"{"etape": "decision_1"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2"}"#, expect: .conflict)
            let first = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_1"}"#, expect: .created)
            #expect(first["etape"] as? String == "decision_1" && first["etat"] as? String == "notifiee" && first["echeance"] is NSNull)
            // National incentive only: the FIR share comes with the second decision (D12).
            #expect(first["montant_total"] as? String == "9000.00")
            let firstID = try #require(first["id"] as? String)
            let sha = try #require((first["documents"] as? [[String: Any]])?.first?["sha256"] as? String)
            let text = try Poppler.run("pdftotext", ["-layout", app.fileStore.path(for: sha), "-"])
            #expect(text.contains("Faits retenus") && text.contains("Base légale") && text.contains("9\u{202F}000,00") && text.contains("D162-16"))
            // Acts: receipt opens one month (B.8 ex. 17: received 4 Nov → 4 Dec).
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "chu@lille.fr", #"{"type": "observations", "texte": "x"}"#, expect: .conflict)
            let received = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "chu@lille.fr", #"{"type": "accuse_reception"}"#)
            #expect(received["etat"] as? String == "periode_contradictoire" && received["echeance"] as? String == "2024-12-04")
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "autre@etab.fr", #"{"type": "observations", "texte": "x"}"#, expect: .notFound)
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "chu@lille.fr", #"{"type": "observations"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "chu@lille.fr", #"{"type": "signature"}"#, expect: .unprocessableEntity)
            app.clock.set(Self.at("2024-11-20"))
            let observed = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "chu@lille.fr",
                                                 #"{"type": "observations", "texte": "Les dépenses 2023 incluent une erreur d'imputation."}"#)
            let observation = try #require((observed["evenements"] as? [[String: Any]])?.first { $0["type"] as? String == "observations" }?["id"] as? String)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2"}"#, expect: .conflict)
            // The period ends by job after 4 Dec 23:59:59, not before.
            app.clock.set(Self.at("2024-12-04", 23, 59, 58))
            _ = try await JobRunner.runDue(app: app)
            // The period's reminders (27/11 and 02/12 at 08:00) went to the establishment while it ran.
            try await Outbox.sendDue(app: app)
            let periodReminders = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id))
                .filter(\.$recipient == "chu@lille.fr").filter(\.$subject ~~ "jours avant l'échéance du 04/12/2024").all()
            #expect(periodReminders.count == 2 && periodReminders.allSatisfy { $0.state == Outbox.sent && $0.body.contains("observations") })
            #expect(try await client.json(.GET, "/api/v1/decisions/\(firstID)", as: "dg@ars.fr")["etat"] as? String == "periode_contradictoire")
            app.clock.set(Self.at("2024-12-05", 0, 0, 1))
            _ = try await JobRunner.runDue(app: app)
            #expect(try await client.json(.GET, "/api/v1/decisions/\(firstID)", as: "dg@ars.fr")["etat"] as? String == "periode_close")
            // Decision 2 must answer every observation (D21).
            app.clock.set(Self.at("2024-12-12"))
            let unanswered = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2"}"#, expect: .conflict)
            #expect((unanswered["erreur"] as? String)?.contains("sans réponse") == true)
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "analyste@ars.fr",
                                      #"{"type": "reponse", "observation": "\#(observation)", "texte": "L'imputation a été vérifiée avec la CPAM : elle est correcte."}"#)
            _ = try await client.json(.POST, "/api/v1/decisions/\(firstID)/actes", as: "analyste@ars.fr",
                                      #"{"type": "reponse", "observation": "\#(observation)", "texte": "encore"}"#, expect: .conflict)
            let second = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2"}"#, expect: .created)
            // The only holder achieved no regional target: its FIR share is 0.
            #expect(second["montant_total"] as? String == "9000.00")
            let secondID = try #require(second["id"] as? String)
            let secondSHA = try #require((second["documents"] as? [[String: Any]])?.first?["sha256"] as? String)
            let secondText = try Poppler.run("pdftotext", ["-layout", app.fileStore.path(for: secondSHA), "-"])
            #expect(secondText.contains("erreur d'imputation") && secondText.contains("vérifiée avec la CPAM"))
            app.clock.set(Self.at("2024-12-13"))
            let second2 = try await client.json(.POST, "/api/v1/decisions/\(secondID)/actes", as: "chu@lille.fr", #"{"type": "accuse_reception"}"#)
            // 15 days from 13 Dec end on Saturday 28 Dec, moved to Monday 30 Dec (D17).
            #expect(second2["echeance"] as? String == "2024-12-30")
            app.clock.set(Self.at("2024-12-31", 0, 0, 1))
            _ = try await JobRunner.runDue(app: app)
            let final = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_finale"}"#, expect: .created)
            #expect(final["etat"] as? String == "definitive" && final["echeance"] is NSNull)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_finale"}"#, expect: .conflict)
            // Locked: no more review.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .conflict)

            // Payment file: one line per holder and paid indicator, with the decision and its hash.
            let payments = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.csv", as: "cpam@am.fr")
            #expect(payments.status == .ok)
            let paymentLines = payments.body.string.split(separator: "\r\n")
            #expect(paymentLines.first?.hasSuffix("finess;titulaire;indicateur;libelle;financement;montant;decision;date_decision;sha256_decision;statut") == true)
            #expect(paymentLines.contains { $0.hasPrefix("590780193;") && $0.contains(";9000,00;") && $0.contains(";a_ordonnancer") })
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaignID)/paiements", as: "chu@lille.fr",
                                      #"{"titulaire": "590780193", "statut": "paye"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaignID)/paiements", as: "cpam@am.fr",
                                      #"{"titulaire": "590780193", "statut": "vire"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaignID)/paiements", as: "cpam@am.fr",
                                      #"{"titulaire": "590780193", "statut": "paye"}"#)
            let paid = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.csv", as: "analyste@ars.fr")
            #expect(paid.body.string.contains(";paye\r\n"))
            // The payment file as XLSX, read back; the annual report as a sealed PDF and an XLSX
            // that LibreOffice opens (the ARS only).
            let xlsx = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.xlsx", as: "cpam@am.fr")
            #expect(xlsx.status == .ok)
            let workbook = try XLSXWorkbook(data: Data(xlsx.body.readableBytesView))
            let paymentRows = try workbook.rows(sheet: "Paiements").rows
            #expect(paymentRows.count == 2)
            _ = try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/rapport.pdf", as: "cpam@am.fr", expect: .forbidden)
            let reportPDF = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/rapport.pdf", as: "analyste@ars.fr")
            #expect(reportPDF.status == .ok)
            let reportPath = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString).pdf")
            try Data(reportPDF.body.readableBytesView).write(to: reportPath)
            defer { try? FileManager.default.removeItem(at: reportPath) }
            #expect(try Poppler.run("pdfsig", [reportPath.path]).contains("Signature is Valid"))
            let reportText = try Poppler.run("pdftotext", ["-layout", reportPath.path, "-"])
            #expect(reportText.contains("Rapport annuel d'évaluation CAQES 2023") && reportText.contains("9\u{202F}000,00"))
            let reportXLSX = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/rapport.xlsx", as: "analyste@ars.fr")
            #expect(reportXLSX.status == .ok)
            if LibreOffice.path != nil {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let file = directory.appendingPathComponent("rapport.xlsx")
                try Data(reportXLSX.body.readableBytesView).write(to: file)
                let sheets = try LibreOffice.convertToCSV(file, in: directory)
                #expect(sheets["Synthèse"]?.contains("590780193;") == true && sheets["Synthèse"]?.contains("9,000.00 €") == true, "\(sheets)")
                #expect(sheets["Résultats"]?.contains(";N1;") == true)
            }
            // The log is append-only in the database itself (D20).
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM evaluation_events").run() }
            // A control draw is reproducible from its seed.
            let draw = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaignID)/tirage", as: "analyste@ars.fr", #"{"taille": 3, "graine": "42"}"#)
            #expect(draw["graine"] as? String == "42")
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaignID)/tirage", as: "chu@lille.fr", #"{"taille": 3}"#, expect: .forbidden)

            // A corrective decision is the only way back (CRPA L242-1 to L242-4): the director's,
            // with a ground and a reason; it withdraws the final decision and reopens the review.
            app.clock.set(Self.at("2025-01-15"))
            let corrective = #"{"etape": "decision_corrective", "fondement": "illegalite", "motif": "Les dépenses ARA II 2023 retenues comptaient deux fois une livraison de décembre."}"#
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "analyste@ars.fr", corrective, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "chu@lille.fr", corrective, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "autre@etab.fr", corrective, expect: .notFound)
            let noReason = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr",
                                                 #"{"etape": "decision_corrective", "fondement": "illegalite", "motif": "  "}"#, expect: .unprocessableEntity)
            #expect((noReason["erreur"] as? String)?.contains("« motif »") == true)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr",
                                      #"{"etape": "decision_corrective", "fondement": "erreur", "motif": "x"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2", "motif": "x"}"#, expect: .unprocessableEntity)
            let reopened = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", corrective, expect: .created)
            #expect(reopened["etape"] as? String == "decision_corrective" && reopened["tour"] as? Int == 2 && reopened["fondement"] as? String == "illegalite")
            #expect(reopened["montant_total"] as? String == "9000.00" && (reopened["motif"] as? String)?.contains("deux fois") == true)
            let correctiveDoc = try #require((reopened["documents"] as? [[String: Any]])?.first)
            #expect(correctiveDoc["version"] as? Int == 2 && correctiveDoc["type"] as? String == "decision_corrective")
            let correctiveText = try Poppler.run("pdftotext", ["-layout", app.fileStore.path(for: try #require(correctiveDoc["sha256"] as? String)), "-"])
            #expect(correctiveText.contains("Motif du retrait") && correctiveText.contains("deux fois") && correctiveText.contains("L242-1"))
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", corrective, expect: .conflict)
            let finalID = try #require(final["id"] as? String)
            #expect(try await client.json(.GET, "/api/v1/decisions/\(finalID)", as: "chu@lille.fr")["etat"] as? String == "retiree")
            #expect(try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")["etat"] as? String == "reouverte")
            let fundTold = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id)).filter(\.$recipient == "cpam@am.fr").all()
            #expect(fundTold.contains { $0.subject.contains("décision corrective") && $0.body.contains("deux fois") }
                    && fundTold.contains { $0.subject.contains("décision définitive") }, "the paying fund hears of final and corrective decisions")
            // A withdrawn final decision is not to be paid: nothing for the CHU until the new one.
            #expect(!(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.csv", as: "cpam@am.fr").body.string.contains("590780193;")))
            // Reopened: the reviewer corrects (a send-back is for the analysis only); the new
            // amount goes through a new second decision, not straight to a final one.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "renvoyee", "motif": "x"}"#, expect: .conflict)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "N1", "decision": "corrigee", "valeur": {"phev_ara2_amount": "120000"}, "motif": "Livraison de décembre comptée une seule fois (10 000 €)."}"#,
                                      expect: .created)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_finale"}"#, expect: .conflict)
            let correctedLine = try #require((try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats", as: "analyste@ars.fr")["lignes"]
                as? [[String: Any]])?.first { $0["indicateur"] as? String == "N1" })
            #expect(correctedLine["montant"] as? String == "12000.00" && correctedLine["economie"] as? String == "40000.00")
            let second3 = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_2"}"#, expect: .created)
            #expect(second3["tour"] as? Int == 2 && second3["montant_total"] as? String == "12000.00" && second3["motif"] is String)
            #expect(try await client.json(.GET, "/api/v1/decisions/\(secondID)", as: "dg@ars.fr")["echeance"] is NSNull)
            let second3ID = try #require(second3["id"] as? String)
            app.clock.set(Self.at("2025-01-16"))
            let heard = try await client.json(.POST, "/api/v1/decisions/\(second3ID)/actes", as: "chu@lille.fr", #"{"type": "accuse_reception"}"#)
            #expect(heard["echeance"] as? String == "2025-01-31")
            app.clock.set(Self.at("2025-02-01", 0, 0, 1))
            _ = try await JobRunner.runDue(app: app)
            let final2 = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_finale"}"#, expect: .created)
            #expect(final2["tour"] as? Int == 2 && final2["etat"] as? String == "definitive" && final2["montant_total"] as? String == "12000.00")
            #expect((final2["documents"] as? [[String: Any]])?.first?["version"] as? Int == 2)
            // 9 000 € were paid: the payment file orders the 3 000 € difference, to be ordered again.
            let regularisation = try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.csv", as: "cpam@am.fr").body.string
            let regularisationLines = regularisation.split(separator: "\r\n").filter { $0.hasPrefix("590780193;") }
            #expect(regularisationLines.count == 1 && regularisationLines[0].contains(";3000,00;") && regularisationLines[0].contains("régularisation")
                    && regularisationLines[0].hasSuffix(";a_ordonnancer"), "\(regularisation)")
            // Past four months, an illegal decision is no longer withdrawn on the ARS's own motion.
            app.clock.set(Self.at("2025-06-02"))
            let late = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", corrective, expect: .conflict)
            #expect((late["erreur"] as? String)?.contains("quatre mois") == true)
            #expect(try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")["etat"] as? String == "decision_finale")
        }
    }

    @Test("Nothing submitted by the deadline: the ARS closes the entry (constat de carence), the evaluation goes on")
    func entryClosedByARS() async throws {
        try await withApp { app in
            var client = try await Self.signedLille(app)
            app.clock.set(Self.at("2024-09-09"))
            let campaign = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 2023}"#, expect: .created)
            let id = try #require((campaign["autoevaluations"] as? [[String: Any]])?.first?["id"] as? String)
            // The entry stays open through 09/10 (Paris); only the ARS closes it, in its scope.
            app.clock.set(Self.at("2024-10-09", 21, 59))
            let early = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "analyste@ars.fr", expect: .conflict)
            #expect((early["erreur"] as? String)?.contains("09/10/2024") == true)
            app.clock.set(Self.at("2024-10-10", 8))
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "chu@lille.fr", expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "cpam@am.fr", expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "autre@etab.fr", expect: .notFound)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "analyste-idf@ars.fr", expect: .notFound)
            let closed = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "analyste@ars.fr")
            #expect(closed["etat"] as? String == "analyse" && closed["soumissions"] as? Int == 1)
            let report = try #require((closed["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "rapport_autoevaluation" }?["sha256"] as? String)
            let text = try Poppler.run("pdftotext", ["-layout", app.fileStore.path(for: report), "-"])
            #expect(text.contains("Constat de carence") && text.contains("09/10/2024"))
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "analyste@ars.fr", expect: .conflict)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr", expect: .conflict)
            let told = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id))
                .filter(\.$subject ~~ "saisie de l'auto-évaluation close").all()
            #expect(told.map(\.recipient).contains("chu@lille.fr") && told.allSatisfy { $0.body.contains("09/10/2024") })
            // The entry reminders (two days, two accounts of the CHU) no longer apply; the evaluation
            // goes on with the stored data.
            app.clock.set(Self.at("2024-11-04"))
            try await Outbox.sendDue(app: app)
            let entryReminders = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id))
                .filter(\.$kind == "rappel_calendrier").filter(\.$subject ~~ "09/10/2024").all()
            #expect(entryReminders.count == 4 && entryReminders.allSatisfy { $0.state == Outbox.moot })
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr", #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .created)
            let first = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_1"}"#, expect: .created)
            #expect(first["montant_total"] as? String == "9000.00")
            let log = try await EvaluationEventRecord.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id)!).sort(\.$seq).all().map(\.act)
            #expect(log == ["saisie", "cloture_saisie", "decision_1"])
            // A reminder that falls due after its deadline (a server down for weeks) is dropped.
            app.clock.set(Self.at("2025-02-01"))
            try await Outbox.sendDue(app: app)
            let late = try await OutboxMessage.query(on: app.db).filter(\.$assessmentID == UUID(uuidString: id)).filter(\.$subject ~~ "31/12/2024").all()
            #expect(!late.isEmpty && late.allSatisfy { $0.state == Outbox.moot })
        }
    }

    /// (account, the CHU's self-assessment, decision and report; the campaign; its results).
    static let matrix: [(email: String, record: HTTPStatus, campaign: HTTPStatus, results: HTTPStatus)] = [
        ("admin@caqes.fr", .ok, .ok, .ok),
        ("analyste@ars.fr", .ok, .ok, .ok), ("dg@ars.fr", .ok, .ok, .ok), ("analyste-idf@ars.fr", .notFound, .notFound, .notFound),
        ("cpam@am.fr", .ok, .ok, .ok), ("cpam62@am.fr", .notFound, .notFound, .notFound),
        ("chu@lille.fr", .ok, .ok, .ok), ("autre@etab.fr", .notFound, .notFound, .notFound),
        ("expert@omedit.fr", .ok, .ok, .forbidden),
    ]

    @Test("Access matrix: every role × every evaluation route × a foreign record; foreign accounts write nothing")
    func accessMatrix() async throws {
        try await withApp { app in
            var client = try await Self.signedLille(app)
            try await createUser(app, "admin@caqes.fr", .admin)
            app.clock.set(Self.at("2024-09-09"))
            let campaign = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 2023}"#, expect: .created)
            let campaignID = try #require(campaign["id"] as? String)
            let id = try #require((campaign["autoevaluations"] as? [[String: Any]])?.first?["id"] as? String)
            let form = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")
            _ = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", #"{"version": \#(form["version"] as? Int ?? 0), "indicateurs": []}"#)
            let submitted = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr")
            let report = try #require((submitted["documents"] as? [[String: Any]])?.first?["sha256"] as? String)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr", #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .created)
            app.clock.set(Self.at("2024-11-04"))
            let decision = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_1"}"#, expect: .created)
            let decisionID = try #require(decision["id"] as? String)
            let (events, reviews, drafts) = (try await EvaluationEventRecord.query(on: app.db).count(), try await AssessmentReview.query(on: app.db).count(),
                                             try await SelfAssessment.find(UUID(uuidString: id), on: app.db)?.version)
            for (email, record, campaignStatus, results) in Self.matrix {
                // API reads.
                #expect(try await client.send(.GET, "/api/v1/autoevaluations/\(id)", as: email).status == record, "API form for \(email)")
                #expect(try await client.send(.GET, "/api/v1/decisions/\(decisionID)", as: email).status == record, "API decision for \(email)")
                #expect(try await client.send(.GET, "/api/v1/documents/\(report)", as: email).status == record, "API report for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)", as: email).status == campaignStatus, "API campaign for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats", as: email).status == results, "API results for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.csv", as: email).status == results, "payments for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/paiements.xlsx", as: email).status == results, "payments XLSX for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats.csv", as: email).status == results, "results CSV for \(email)")
                let simulation: HTTPStatus = record != .ok ? record : (["cpam@am.fr", "expert@omedit.fr"].contains(email) ? .forbidden : .ok)
                #expect(try await client.send(.GET, "/api/v1/autoevaluations/\(id)/simulation", as: email).status == simulation, "simulation for \(email)")
                #expect(try await client.send(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: email, #"{"indicateurs": []}"#).status == simulation,
                        "posted simulation for \(email)")
                let ars = ["admin@caqes.fr", "analyste@ars.fr", "dg@ars.fr"].contains(email)
                for report in ["rapport.pdf", "rapport.xlsx"] {
                    #expect(try await client.send(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/\(report)", as: email).status
                            == (campaignStatus == .notFound ? .notFound : (ars ? .ok : .forbidden)), "\(report) for \(email)")
                }
                // Writes by an account outside the scope: 404 before anything is read or written.
                if record == .notFound {
                    for (method, path, body) in [(HTTPMethod.PUT, "/api/v1/autoevaluations/\(id)", #"{"version": 1, "indicateurs": []}"#),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/soumission", "{}"),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/cloture", "{}"),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/revues", #"{"indicateur": "N1", "decision": "renvoyee", "motif": "x"}"#),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/decisions", #"{"etape": "decision_2"}"#),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/decisions", #"{"etape": "decision_corrective", "fondement": "illegalite", "motif": "x"}"#),
                                                 (.POST, "/api/v1/decisions/\(decisionID)/actes", #"{"type": "accuse_reception"}"#),
                                                 (.POST, "/api/v1/campagnes-evaluation/\(campaignID)/paiements", #"{"titulaire": "590780193", "statut": "paye"}"#),
                                                 (.POST, "/api/v1/campagnes-evaluation/\(campaignID)/tirage", #"{"taille": 1}"#),
                                                 (.POST, "/api/v1/autoevaluations/\(id)/preuves", #"{"indicateur": "N1"}"#)] {
                        #expect(try await client.send(method, path, as: email, body).status == .notFound, "\(method) \(path) for \(email)")
                    }
                }
                // Pages.
                var browser = Browser(app)
                try await browser.login(email)
                #expect(try await browser.get("/evaluation/autoevaluations/\(id)").status == record, "page form for \(email)")
                #expect(try await browser.get("/evaluation/campagnes/\(campaignID)").status == campaignStatus, "page campaign for \(email)")
                #expect(try await browser.get("/evaluation/campagnes/\(campaignID)/resultats.csv").status == results, "page results CSV for \(email)")
                #expect(try await browser.get("/evaluation").status == .ok)
                let live: HTTPStatus = record != .ok ? record : (["cpam@am.fr", "expert@omedit.fr"].contains(email) ? .forbidden : .ok)
                #expect(try await browser.post("/evaluation/autoevaluations/\(id)/simulation", form: ["valeur__N1__x": ""]).status == (live == .ok ? .unprocessableEntity : live),
                        "page simulation for \(email)")
                #expect(try await browser.post("/evaluation/autoevaluations/\(id)/simulation", form: [:]).status == live, "page simulation for \(email)")
                if record == .notFound {
                    #expect(try await browser.post("/evaluation/autoevaluations/\(id)/revues", form: ["indicateur": "N1", "decision": "renvoyee", "motif": "x"]).status == .notFound)
                    #expect(try await browser.post("/evaluation/autoevaluations/\(id)/decisions", form: ["etape": "decision_2"]).status == .notFound)
                    #expect(try await browser.post("/evaluation/autoevaluations/\(id)/soumission", form: [:]).status == .notFound)
                    #expect(try await browser.post("/evaluation/autoevaluations/\(id)/cloture", form: [:]).status == .notFound)
                    #expect(try await browser.post("/evaluation/autoevaluations/\(id)", form: ["version": "1"]).status == .notFound)
                    #expect(try await browser.post("/evaluation/campagnes/\(campaignID)/paiements", form: ["titulaire": "590780193", "statut": "paye"]).status == .notFound)
                    #expect(try await browser.get("/evaluation/campagnes/\(campaignID)/paiements.xlsx").status == .notFound)
                    #expect(!(try await browser.get("/evaluation").body.string.contains("année 2023")), "campaign listed for \(email)")
                }
            }
            // Roles: the establishment does not review or decide; the fund does not review an ARS
            // indicator; the analyst does not decide; nobody but the establishment writes its form.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "chu@lille.fr", #"{"indicateur": "N1", "decision": "acceptee"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "chu@lille.fr", #"{"etape": "decision_2"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "analyste@ars.fr", #"{"etape": "decision_2"}"#, expect: .forbidden)
            _ = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "cpam@am.fr", #"{"version": 1, "indicateurs": []}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/decisions/\(decisionID)/actes", as: "cpam@am.fr", #"{"type": "accuse_reception"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/decisions/\(decisionID)/actes", as: "expert@omedit.fr", #"{"type": "observations", "texte": "x"}"#, expect: .forbidden)
            _ = try await client.json(.GET, "/api/v1/autoevaluations/\(id)/simulation", as: "cpam@am.fr", expect: .forbidden)
            #expect(try await EvaluationEventRecord.query(on: app.db).count() == events)
            #expect(try await AssessmentReview.query(on: app.db).count() == reviews)
            #expect(try await SelfAssessment.find(UUID(uuidString: id), on: app.db)?.version == drafts)
        }
    }

    @Test("2018 grid campaign: answers per criterion, score against the regional target, the D13 sanction, decision")
    func gridCampaign() async throws {
        try await withApp { app in
            try await ContractingAPITests.setUp(app)
            var client = ContractingAPITests.Client(app: app)
            app.clock.set(Self.at("2019-03-01"))
            let body = #"{"region": "32", "annee": 2018, "grille": "normandie-2018", "cible_regionale": "70", "seuils": {"10-1-07a": {"realise_a_partir_de": "80", "partiel_a_partir_de": "50"}}, "titulaires": [{"finess": "590780193", "produits_am": "80000000.00", "secteurs": ["MCO", "SSR"], "score_precedent": "64"}]}"#
            // The COPIL's thresholds of a quantitative criterion: on a quantitative criterion, in order.
            for wrong in [#""10-1-01": {"realise_a_partir_de": "80", "partiel_a_partir_de": "50"}"#,
                          #""10-1-07a": {"realise_a_partir_de": "40", "partiel_a_partir_de": "50"}"#,
                          #""10-1-07a": {"realise_a_partir_de": "80", "realise_au_dessus_de": "80", "partiel_a_partir_de": "50"}"#,
                          #""10-1-07a": {"realise_a_partir_de": "quatre-vingts", "partiel_a_partir_de": "50"}"#] {
                let refused = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                                    body.replacingOccurrences(of: #""10-1-07a": {"realise_a_partir_de": "80", "partiel_a_partir_de": "50"}"#, with: wrong),
                                                    expect: .unprocessableEntity)
                #expect((refused["erreur"] as? String)?.contains("seuils.") == true, "\(refused)")
            }
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                      body.replacingOccurrences(of: "normandie-2018", with: "bretagne-2018"), expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                      body.replacingOccurrences(of: #""MCO", "SSR""#, with: #""BLOC""#), expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                      body.replacingOccurrences(of: #""cible_regionale": "70", "#, with: ""), expect: .unprocessableEntity)
            let campaign = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", body, expect: .created)
            #expect(campaign["type"] as? String == "grille_2018")
            let campaignID = try #require(campaign["id"] as? String)
            let id = try #require((campaign["autoevaluations"] as? [[String: Any]])?.first?["id"] as? String)
            let form = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")
            #expect(form["secteurs"] as? [String] == ["MCO", "SSR"])
            // Every applicable criterion: R, except two PR, one NR; the quantitative ones NC, but
            // the one whose thresholds are set: 85 % (R from 80 %).
            let grid = try app.grid("normandie-2018").settingThresholds(try QuantitativeThresholds(realisedFrom: 80, partialFrom: 50), for: "10-1-07a")
            let sectors: Set<GridSector> = [.mco, .ssr]
            var answers: [String: String] = ["10-1-07a": "85"]
            var qualitative = 0
            for criterion in grid.criteria where criterion.maxPoints(for: sectors) != nil && criterion.id != "10-1-07a" {
                if criterion.isQuantitative { answers[criterion.id] = "NC"; continue }
                answers[criterion.id] = qualitative < 2 ? "PR" : (qualitative == 2 ? "NR" : "R")
                qualitative += 1
            }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: answers), as: UTF8.self)
            let bad = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr",
                                             #"{"version": 1, "grille": {"10-1-01": "OUI", "99-9": "R"}}"#, expect: .unprocessableEntity)
            #expect((bad["erreur"] as? String)?.contains("10-1-01") == true && (bad["erreur"] as? String)?.contains("99-9") == true)
            let unset = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", #"{"version": 1, "grille": {"10-1-07b": "50"}}"#,
                                               expect: .unprocessableEntity)
            #expect((unset["erreur"] as? String)?.contains("seuils ne sont pas encore fixés") == true)
            let partial = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", #"{"version": 1, "grille": {"10-1-01": "R"}}"#)
            let incomplete = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr", expect: .unprocessableEntity)
            #expect((incomplete["erreur"] as? String)?.contains("grille") == true)
            _ = try await client.json(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr",
                                      #"{"version": \#(partial["version"] as? Int ?? 0), "grille": \#(json)}"#)
            let submitted = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/soumission", as: "chu@lille.fr")
            #expect(submitted["etat"] as? String == "analyse" && (submitted["grille_soumise"] as? [String: String])?.count == answers.count)
            // The results are CAQESCore's score and sanction on the same answers.
            let expected = try GridScoring.score(grid: grid, sectors: sectors,
                                                 answers: EvaluationService.gridAnswers(answers, grid: grid, sectors: sectors).answers)
            let sanction = GridSanction.compute(globalPercentage: expected.percentage, target: 70, previousPercentage: 64,
                                                insuranceProductsPreviousYear: 80_000_000, scale: grid.sanctionScale)
            let results = try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats", as: "analyste@ars.fr")
            let lines = try #require(results["lignes"] as? [[String: Any]])
            let score = try #require(lines.first { $0["indicateur"] as? String == "GRILLE" })
            #expect((score["valeur"] as? String)?.hasPrefix("\(expected.percentage)".replacingOccurrences(of: ".", with: ",")) == true)
            #expect(score["atteint"] as? String == (expected.percentage >= 70 ? "oui" : "non"))
            let rated = try #require(expected.lines.first { $0.criterionID == "10-1-07a" })
            #expect(rated.status == .realised && rated.earned == 1 && rated.counted, "85 % ≥ 80 %: the criterion's point is earned")
            let due = try #require(lines.first { $0["indicateur"] as? String == "SANCTION" })
            #expect(due["montant"] as? String == APIAmount.text(sanction.amount))
            // A reviewer corrects one answer: the score follows, in a new results version.
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/revues", as: "analyste@ars.fr",
                                      #"{"indicateur": "GRILLE", "decision": "corrigee", "valeur": {"10-1-01": "NR"}, "motif": "Politique non formalisée en 2018."}"#,
                                      expect: .created)
            let corrected = try await client.json(.GET, "/api/v1/campagnes-evaluation/\(campaignID)/resultats", as: "analyste@ars.fr")
            #expect(corrected["version"] as? Int == 2 && (corrected["differences"] as? [String])?.isEmpty == false)
            app.clock.set(Self.at("2019-05-15"))
            let decision = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr", #"{"etape": "decision_1"}"#, expect: .created)
            let sha = try #require((decision["documents"] as? [[String: Any]])?.first?["sha256"] as? String)
            let text = try Poppler.run("pdftotext", ["-layout", app.fileStore.path(for: sha), "-"])
            #expect(text.contains("score global") && text.contains("2017-584") && text.contains("sanction"))
        }
    }

    @Test("Hostile input: bad ids, bodies and types are 4xx and write nothing")
    func hostile() async throws {
        try await withApp { app in
            var client = try await Self.signedLille(app)
            app.clock.set(Self.at("2024-09-09"))
            let campaign = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 2023}"#, expect: .created)
            let id = try #require((campaign["autoevaluations"] as? [[String: Any]])?.first?["id"] as? String)
            for path in ["/api/v1/autoevaluations/pas-un-uuid", "/api/v1/decisions/\(UUID())", "/api/v1/campagnes-evaluation/\(UUID())/resultats"] {
                #expect(try await client.send(.GET, path, as: "analyste@ars.fr").status == .notFound, "\(path)")
            }
            for body in ["", "[]", "{\"version\": \"x\"}", "{\"version\": 1, \"indicateurs\": 3}", String(repeating: "{", count: 5000)] {
                let response = try await client.send(.PUT, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr", body)
                #expect((400..<500).contains(response.status.code), "\(body.prefix(20)): \(response.status)")
            }
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 99999}"#, expect: .unprocessableEntity)
            // A calendar for an impossible year is refused before it is built (the server once trapped here).
            for year in ["99999", "-5", "0", "9223372036854775807"] {
                _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr",
                                          #"{"region": "32", "annee": \#(year), "calendrier": {}}"#, expect: .unprocessableEntity)
            }
            #expect(try await client.send(.GET, "/healthz", as: "analyste@ars.fr").status == .ok)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation", as: "analyste@ars.fr", #"{"region": "32", "annee": 2023, "partage": "au_hasard"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-evaluation/\(campaign["id"] as? String ?? "")/tirage", as: "analyste@ars.fr", #"{"taille": 0}"#, expect: .unprocessableEntity)
            // The simulation and the decisions refuse oversized or malformed input, write nothing.
            let many = (0...100).map { #"{"code": "C\#($0)", "valeurs": {}}"# }.joined(separator: ", ")
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr", #"{"indicateurs": [\#(many)]}"#, expect: .unprocessableEntity)
            for body in ["", "[]", #"{"indicateurs": [{"code": 3}]}"#, String(repeating: "[", count: 5000)] {
                let response = try await client.send(.POST, "/api/v1/autoevaluations/\(id)/simulation", as: "chu@lille.fr", body)
                #expect((400..<500).contains(response.status.code), "simulation \(body.prefix(20)): \(response.status)")
            }
            let long = String(repeating: "é", count: 5_001)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr",
                                      #"{"etape": "decision_corrective", "fondement": "illegalite", "motif": "\#(long)"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr",
                                      #"{"etape": "decision_corrective", "fondement": ["illegalite"], "motif": "x"}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/decisions", as: "dg@ars.fr",
                                      #"{"etape": "decision_corrective", "fondement": "illegalite", "motif": "x"}"#, expect: .conflict)
            _ = try await client.json(.POST, "/api/v1/autoevaluations/\(id)/cloture", as: "analyste@ars.fr", #"{"x": 1}"#, expect: .conflict)
            #expect(try await EvaluationDecision.query(on: app.db).count() == 0)
            let form = try await client.json(.GET, "/api/v1/autoevaluations/\(id)", as: "chu@lille.fr")
            #expect(form["version"] as? Int == 1)
        }
    }
}
