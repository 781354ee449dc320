@testable import App
import CAQESCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The 2025 amendments (IDF campaign of October 2024): contracts in force are prolonged to
/// 31/12/2026 and retargeted on 2023 data with national-2025 and the IDF day-case option, through
/// the same procedure; a holder no longer targeted exits; the contract keeps its history.
@Suite("Amendments 2025")
struct AmendmentTests {
    typealias API = ContractingAPITests

    static func setUp(_ app: Application) async throws {
        try await loadDemoRegistry(app)
        // CH d'Arpajon is targeted on N1 in 2022 and 2023; CH de Fontainebleau in 2022 only.
        let measures = """
            finess;mesure;annee;valeur
            910110014;phev_ara2_ucd;2022;600
            910110014;phev_iec_ucd;2022;400
            910110014;phev_ara2_amount;2022;150000
            910110014;phev_iec_amount;2022;100000
            910110014;phev_ara2_ucd;2023;650
            910110014;phev_iec_ucd;2023;350
            910110014;phev_ara2_amount;2023;160000
            910110014;phev_iec_amount;2023;90000
            770021152;phev_ara2_ucd;2022;500
            770021152;phev_iec_ucd;2022;500
            770021152;phev_ara2_amount;2022;50000
            770021152;phev_iec_amount;2022;50000
            770021152;phev_ara2_ucd;2023;100
            770021152;phev_iec_ucd;2023;900
            770021152;phev_ara2_amount;2023;10000
            770021152;phev_iec_amount;2023;90000
            """
        try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
            .run(kind: .measures, path: try temporaryFile(measures + "\n"), fileName: "idf.csv", options: .init(), actor: .system)
        try await createUser(app, "analyste-idf@ars.fr", .arsAnalyst, scope: ["11"])
        try await createUser(app, "dg-idf@ars.fr", .arsDirector, scope: ["11"])
        try await createUser(app, "cpam91@am.fr", .insurer, scope: ["91"])
        try await createUser(app, "cpam77@am.fr", .insurer, scope: ["77"])
        for (email, holder) in [("arpajon@ch.fr", "910110014"), ("fontainebleau@ch.fr", "770021152")] {
            try await UserService(db: app.db, app: app).create(
                .init(email: email, displayName: email, role: .establishment, scopeCodes: [holder], password: testPassword, legalRepresentative: true),
                actor: .system)
        }
    }

    /// Drives a contract (or amendment) from `cible` to signed, then runs the jobs on its start date.
    static func sign(_ client: inout API.Client, _ id: String, establishment: String, insurer: String, app: Application,
                     from day: String, start: String) async throws {
        app.clock.set(API.at(day))
        _ = try await client.act(id, #"{"type": "avis_am"}"#, as: insurer)
        _ = try await client.act(id, #"{"type": "envoi"}"#, as: "dg-idf@ars.fr")
        _ = try await client.act(id, #"{"type": "accuse_reception"}"#, as: establishment)
        _ = try await client.act(id, #"{"type": "avis_cme"}"#, as: establishment)
        _ = try await client.act(id, #"{"type": "acceptation"}"#, as: establishment)
        for signer in [establishment, "dg-idf@ars.fr", insurer] {
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: signer)
        }
        app.clock.set(API.at(start, 0, 0, 5))
        _ = try await JobRunner.runDue(app: app)
    }

    @Test("Prolongation and retargeting through the same procedure, exit of the holder no longer targeted, history by period")
    func amendments() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var client = API.Client(app: app)
            // 2022 contracts, in force from 01/07/2022 to 31/12/2024.
            app.clock.set(API.at("2022-03-01"))
            let c2022 = try #require(try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste-idf@ars.fr",
                                                           #"{"region": "11", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .created)["id"] as? String)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(c2022)/gel", as: "dg-idf@ars.fr", #"{"date_decision": "2022-03-01"}"#)
            var ids: [String: String] = [:]
            for (holder, products) in [("910110014", "50000000.00"), ("770021152", "30000000.00")] {
                let contract = try await client.json(.POST, "/api/v1/contrats", as: "analyste-idf@ars.fr",
                    #"{"campagne": "\#(c2022)", "titulaire": "\#(holder)", "debut": "2022-07-01", "fin": "2024-12-31", "produits_am": "\#(products)"}"#, expect: .created)
                ids[holder] = try #require(contract["id"] as? String).lowercased()
            }
            try await Self.sign(&client, ids["910110014"]!, establishment: "arpajon@ch.fr", insurer: "cpam91@am.fr", app: app, from: "2022-04-01", start: "2022-07-01")
            try await Self.sign(&client, ids["770021152"]!, establishment: "fontainebleau@ch.fr", insurer: "cpam77@am.fr", app: app, from: "2022-04-01", start: "2022-07-01")
            #expect(try await client.json(.GET, "/api/v1/contrats?etat=en_vigueur", as: "dg-idf@ars.fr")["total"] as? Int == 2)

            // October 2024: retargeting on 2023 data with national-2025 and the IDF option.
            app.clock.set(API.at("2024-10-01"))
            let c2025 = try #require(try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste-idf@ars.fr",
                #"{"region": "11", "annee": 2023, "catalogues": ["national-2025", "regional-idf-2025"]}"#, expect: .created)["id"] as? String)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(c2025)/gel", as: "dg-idf@ars.fr", #"{"date_decision": "2024-10-01"}"#)
            let badOption = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(c2025)/avenants", as: "analyste-idf@ars.fr",
                #"{"debut": "2025-01-01", "fin": "2026-12-31", "options": {"910110014": {"chirurgie_ambulatoire": "2"}}}"#, expect: .unprocessableEntity)
            #expect((badOption["erreur"] as? String)?.contains("specialite") == true)
            let prepared = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(c2025)/avenants", as: "analyste-idf@ars.fr",
                #"{"debut": "2025-01-01", "fin": "2026-12-31", "options": {"910110014": {"chirurgie_ambulatoire": "2", "specialite": "ORL"}}}"#, expect: .created)
            #expect(prepared["avenants"] as? Int == 1)
            #expect((prepared["sorties"] as? [String]) == ["CH DE FONTAINEBLEAU (770021152) : fin le 31/12/2024"])
            // Run twice: nothing more.
            let again = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(c2025)/avenants", as: "analyste-idf@ars.fr",
                                              #"{"debut": "2025-01-01", "fin": "2026-12-31"}"#, expect: .created)
            #expect(again["avenants"] as? Int == 0 && (again["sorties"] as? [String])?.isEmpty == true)

            let parent = try await client.json(.GET, "/api/v1/contrats/\(ids["910110014"]!)", as: "arpajon@ch.fr")
            let amendmentID = try #require((parent["avenants"] as? [[String: Any]])?.first?["id"] as? String).lowercased()
            let amendment = try await client.json(.GET, "/api/v1/contrats/\(amendmentID)", as: "arpajon@ch.fr")
            #expect(amendment["nature"] as? String == "avenant" && (amendment["contrat_initial"] as? String)?.lowercased() == ids["910110014"])
            #expect(amendment["debut"] as? String == "2025-01-01" && amendment["fin"] as? String == "2026-12-31")
            let codes = (amendment["indicateurs"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            #expect(codes.contains("N1") && codes.contains("IDF-CA-OPT2"), "\(codes)")
            #expect(!codes.contains("N3"), "ezetimibe is dropped in 2025 (D9)")
            let option = (amendment["indicateurs"] as? [[String: Any]])?.first { $0["code"] as? String == "IDF-CA-OPT2" }
            #expect(option?["origine"] as? String == "option" && option?["regional"] as? Bool == true)

            // The amendment goes through the same procedure; its proposal says what it changes.
            try await Self.sign(&client, amendmentID, establishment: "arpajon@ch.fr", insurer: "cpam91@am.fr", app: app, from: "2024-10-15", start: "2025-01-01")
            let signed = try await client.json(.GET, "/api/v1/contrats/\(amendmentID)", as: "arpajon@ch.fr")
            #expect(signed["etat"] as? String == "en_vigueur")
            let proposal = try #require((signed["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "proposition" }?["sha256"] as? String)
            let pdf = try await client.send(.GET, "/api/v1/documents/\(proposal)", as: "arpajon@ch.fr")
            let text = try Poppler.run("pdftotext", [try temporaryFile(Data(pdf.body.readableBytesView), name: "avenant.pdf"), "-"])
            #expect(text.contains("Proposition d'avenant") && text.contains("prolonge le contrat en vigueur jusqu'au 31/12/2026"))

            // History: which indicators applied in which period.
            let history = try await client.json(.GET, "/api/v1/contrats/\(ids["910110014"]!)", as: "dg-idf@ars.fr")
            let periods = try #require(history["periodes"] as? [[String: Any]])
            #expect(periods.map { "\($0["debut"] as? String ?? "")…\($0["fin"] as? String ?? "")" } == ["2022-07-01…2024-12-31", "2025-01-01…2026-12-31"])
            #expect((periods[0]["indicateurs"] as? [[String: Any]])?.first?["catalogue"] as? String == "national-2022")
            #expect((periods[1]["indicateurs"] as? [[String: Any]])?.contains { $0["code"] as? String == "IDF-CA-OPT2" } == true)
            let exited = try await client.json(.GET, "/api/v1/contrats/\(ids["770021152"]!)", as: "fontainebleau@ch.fr")
            #expect((exited["sortie"] as? [String: Any])?["date"] as? String == "2024-12-31")
        }
    }

    @Test("The page's contract form offers the IDF day-case option; option 2 needs its specialty")
    func dayCaseOptionInPages() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var client = API.Client(app: app)
            app.clock.set(API.at("2024-10-01"))
            let campaign = try #require(try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste-idf@ars.fr",
                #"{"region": "11", "annee": 2023, "catalogues": ["national-2025", "regional-idf-2025"]}"#, expect: .created)["id"] as? String).lowercased()
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/gel", as: "dg-idf@ars.fr", #"{"date_decision": "2024-10-01"}"#)
            var browser = Browser(app)
            try await browser.login("analyste-idf@ars.fr")
            let page = try await browser.get("/campagnes/\(campaign)")
            #expect(page.body.string.contains("option 2 (une spécialité)"))
            let form = ["campagne": campaign, "titulaire": "910110014", "debut": "2025-01-01", "fin": "2026-12-31", "produits_am": "50 000 000,00"]
            let missing = try await browser.post("/contrats/nouveau", form: form.merging(["chirurgie_ambulatoire": "2"]) { $1 })
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("specialite"))
            let created = try await browser.post("/contrats/nouveau", form: form.merging(["chirurgie_ambulatoire": "2", "specialite": "ORL"]) { $1 })
            #expect(created.status == .seeOther)
            let contract = try #require(try await Contract.query(on: app.db).filter(\.$holderFINESS == "910110014").first())
            #expect(contract.indicators.contains("IDF-CA-OPT2") && contract.options.contains("ORL"))
            #expect(contract.amProducts == "50000000.00")
        }
    }
}
