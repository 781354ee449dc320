@testable import App
import CAQESCore
import Fluent
import SQLKit
import Crypto
import Foundation
import Testing
import Vapor
import VaporTesting

/// The contracting API end to end, on the B.8 ex. 17 dates: campaign → freeze → contract →
/// AM opinion → sending (sealed proposal) → receipt → CME → acceptance → three signatures.
@Suite("Contracting API")
struct ContractingAPITests {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    static func at(_ iso: String, _ hour: Int = 10, _ minute: Int = 0, _ second: Int = 0) -> Date {
        (try! LocalDate(iso)).instant(hour: hour, minute: minute, second: second, timeZone: paris)
    }

    /// HDF registry, N1 measures for two public holders (CHU de Lille targeted, another not),
    /// and one account per party.
    static func setUp(_ app: Application) async throws {
        try await loadDemoRegistry(app)
        let measures = """
            finess;mesure;annee;valeur
            590780193;phev_ara2_ucd;2022;600
            590780193;phev_iec_ucd;2022;400
            590780193;phev_ara2_amount;2022;150000
            590780193;phev_iec_amount;2022;100000
            590781803;phev_ara2_ucd;2022;100
            590781803;phev_iec_ucd;2022;900
            590781803;phev_ara2_amount;2022;30000
            590781803;phev_iec_amount;2022;90000
            """
        try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
            .run(kind: .measures, path: try temporaryFile(measures + "\n"), fileName: "n1.csv", options: .init(), actor: .system)
        try await createUser(app, "analyste@ars.fr", .arsAnalyst, scope: ["32"])
        try await createUser(app, "dg@ars.fr", .arsDirector, scope: ["32"])
        try await createUser(app, "analyste-idf@ars.fr", .arsAnalyst, scope: ["11"])
        try await createUser(app, "cpam@am.fr", .insurer, scope: ["59"])
        try await createUser(app, "cpam62@am.fr", .insurer, scope: ["62"])
        try await UserService(db: app.db, app: app).create(
            .init(email: "chu@lille.fr", displayName: "Directeur CHU", role: .establishment, scopeCodes: ["590780193"],
                  password: testPassword, legalRepresentative: true), actor: .system)
        try await createUser(app, "adjoint@lille.fr", .establishment, scope: ["590780193"])
        try await createUser(app, "autre@etab.fr", .establishment, scope: ["590781803"])
        try await createUser(app, "expert@omedit.fr", .expert, scope: ["32"])
    }

    struct Client {
        let app: Application
        var tokens: [String: HTTPHeaders] = [:]

        mutating func headers(_ email: String) async throws -> HTTPHeaders {
            if let h = tokens[email] { return h }
            var h = try await bearerHeaders(app, email)
            h.contentType = .json
            tokens[email] = h
            return h
        }

        mutating func send(_ method: HTTPMethod, _ path: String, as email: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
            let h = try await headers(email)
            return try await app.testing().sendRequest(method, path, headers: h, body: json.map { ByteBuffer(string: $0) })
        }

        mutating func json(_ method: HTTPMethod, _ path: String, as email: String, _ body: String? = nil,
                           expect status: HTTPStatus = .ok, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            let response = try await send(method, path, as: email, body)
            #expect(response.status == status, "\(method) \(path) as \(email): \(response.body.string)", sourceLocation: sourceLocation)
            return (try? JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]) ?? [:]
        }

        /// The contract of CHU de Lille (2023–2025, 80 M€ of AM products) in a frozen campaign; its id.
        mutating func lilleContract(_ campaign: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> String {
            let created = try await json(.POST, "/api/v1/contrats", as: "analyste@ars.fr",
                                         #"{"campagne": "\#(campaign)", "titulaire": "590780193", "debut": "2023-01-01", "fin": "2025-12-31", "produits_am": "80000000.00"}"#,
                                         expect: .created, sourceLocation: sourceLocation)
            return try #require(created["id"] as? String, sourceLocation: sourceLocation)
        }

        mutating func act(_ id: String, _ body: String, as email: String, expect status: HTTPStatus = .ok,
                          sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            try await json(.POST, "/api/v1/contrats/\(id)/actes", as: email, body, expect: status, sourceLocation: sourceLocation)
        }
    }

    /// Runs the campaign and freezes it, returns (client, campaign id).
    static func frozenCampaign(_ app: Application) async throws -> (Client, String) {
        var client = Client(app: app)
        app.clock.set(at("2022-09-01"))
        let campaign = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                             #"{"region": "32", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .created)
        let id = try #require(campaign["id"] as? String)
        _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/gel", as: "dg@ars.fr", #"{"date_decision": "2022-09-01"}"#)
        return (client, id)
    }

    @Test("Campaign: results with reasons, scope, rerun differences, overrides, freeze by the director only")
    func campaign() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var client = Client(app: app)
            app.clock.set(Self.at("2022-09-01"))
            let created = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                                #"{"region": "32", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .created)
            let id = try #require(created["id"] as? String)
            let results = try #require(created["resultats"] as? [[String: Any]])
            let chu = try #require(results.first { $0["titulaire"] as? String == "590780193" && $0["indicateur"] as? String == "N1" })
            #expect(chu["cible"] as? String == "oui")
            #expect((chu["raison"] as? String)?.isEmpty == false)
            let other = try #require(results.first { $0["titulaire"] as? String == "590781803" && $0["indicateur"] as? String == "N1" })
            #expect(other["cible"] as? String == "non")
            // Outside the region, or not ARS: the campaign does not exist / the route is closed.
            _ = try await client.json(.GET, "/api/v1/campagnes-ciblage/\(id)", as: "analyste-idf@ars.fr", expect: .notFound)
            _ = try await client.json(.GET, "/api/v1/campagnes-ciblage/\(id)", as: "chu@lille.fr", expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste-idf@ars.fr",
                                      #"{"region": "32", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .forbidden)
            // Bad input: French messages naming the field.
            let unknown = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                                #"{"region": "32", "annee": 2022, "catalogues": ["national-2099"]}"#, expect: .unprocessableEntity)
            #expect((unknown["erreur"] as? String)?.contains("catalogue « national-2099 » inconnu") == true)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                      #"{"region": "32", "annee": 2022, "catalogues": ["regional-idf-2025"]}"#, expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr", #"{"region": 32}"#, expect: .unprocessableEntity)
            // An override puts the other holder in, with its reason; without a reason it is refused.
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/derogations", as: "analyste@ars.fr",
                                      #"{"titulaire": "590781803", "indicateur": "N1", "cible": true, "raison": ""}"#, expect: .unprocessableEntity)
            let overridden = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/derogations", as: "analyste@ars.fr",
                                                   #"{"titulaire": "590781803", "indicateur": "N1", "cible": true, "raison": "Ajout régional HDF"}"#, expect: .created)
            let selection = try #require(overridden["selection"] as? [[String: Any]])
            #expect(selection.contains { $0["titulaire"] as? String == "590781803" })
            // Freeze: the analyst may not; the director may, once.
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/gel", as: "analyste@ars.fr", #"{"date_decision": "2022-09-01"}"#, expect: .forbidden)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/gel", as: "dg@ars.fr", #"{"date_decision": "2022-13-01"}"#, expect: .unprocessableEntity)
            let frozen = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/gel", as: "dg@ars.fr", #"{"date_decision": "2022-09-01"}"#)
            #expect(frozen["gelee"] as? Bool == true && frozen["date_decision"] as? String == "2022-09-01")
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/gel", as: "dg@ars.fr", #"{"date_decision": "2022-09-01"}"#, expect: .conflict)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(id)/derogations", as: "analyste@ars.fr",
                                      #"{"titulaire": "590780193", "indicateur": "N1", "cible": false, "raison": "trop tard"}"#, expect: .conflict)
            // A rerun is a new run, with the differences against the previous one.
            let rerun = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                              #"{"region": "32", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .created)
            #expect(rerun["execution"] as? Int == 2 && rerun["precedente"] as? String == id)
            #expect((rerun["differences"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("A contract from the frozen list, through every party to its signature, with sealed documents")
    func signedContract() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var (client, campaign) = try await Self.frozenCampaign(app)
            // Not on the list, or dates the wrong way: refused in French.
            _ = try await client.json(.POST, "/api/v1/contrats", as: "analyste@ars.fr",
                                      #"{"campagne": "\#(campaign)", "titulaire": "590781803", "debut": "2023-01-01", "fin": "2025-12-31", "produits_am": "80000000.00"}"#,
                                      expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/contrats", as: "analyste@ars.fr",
                                      #"{"campagne": "\#(campaign)", "titulaire": "590780193", "debut": "2023-01-01", "fin": "2022-12-31", "produits_am": "80000000.00"}"#,
                                      expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/contrats", as: "analyste@ars.fr",
                                      #"{"campagne": "\#(campaign)", "titulaire": "590780193", "debut": "2023-01-01", "fin": "2025-12-31", "produits_am": "8e7"}"#,
                                      expect: .unprocessableEntity)
            _ = try await client.json(.POST, "/api/v1/contrats", as: "chu@lille.fr",
                                      #"{"campagne": "\#(campaign)", "titulaire": "590780193", "debut": "2023-01-01", "fin": "2025-12-31", "produits_am": "80000000.00"}"#,
                                      expect: .forbidden)
            let id = try await client.lilleContract(campaign)
            let created = try await client.json(.GET, "/api/v1/contrats/\(id)", as: "analyste@ars.fr")
            #expect(created["etat"] as? String == "cible")
            // Absent values are null, not left out (D29).
            #expect(created["echeance"] is NSNull && created["sanction"] is NSNull)
            #expect((created["indicateurs"] as? [[String: Any]])?.map { $0["code"] as? String } == ["N1"])
            _ = try await client.json(.POST, "/api/v1/contrats", as: "analyste@ars.fr",
                                      #"{"campagne": "\#(campaign)", "titulaire": "590780193", "debut": "2023-01-01", "fin": "2025-12-31", "produits_am": "80000000.00"}"#,
                                      expect: .conflict)

            // The ARS previews the proposal before sending: an unsealed draft, never stored.
            var analyst = Browser(app)
            try await analyst.login("analyste@ars.fr")
            let draft = try await analyst.get("/contrats/\(id.lowercased())/apercu.pdf")
            #expect(draft.status == .ok && draft.headers.contentType?.subType == "pdf")
            let draftText = try Poppler.run("pdftotext", [try temporaryFile(Data(draft.body.readableBytesView), name: "projet.pdf"), "-"])
            #expect(draftText.contains("PROJET") && draftText.contains("Annexe 1 — N1"))
            #expect(try await ContractDocument.query(on: app.db).count() == 0)
            var establishment = Browser(app)
            try await establishment.login("chu@lille.fr")
            #expect(try await establishment.get("/contrats/\(id.lowercased())/apercu.pdf").status == .forbidden)

            // Sending needs the AM opinion first.
            app.clock.set(Self.at("2022-09-26"))
            let early = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr", expect: .unprocessableEntity)
            #expect((early["erreur"] as? String)?.contains("avis de l'organisme local d'assurance maladie") == true)
            _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-09-20"}"#, as: "cpam62@am.fr", expect: .notFound)
            _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-09-20"}"#, as: "cpam@am.fr")
            _ = try await client.act(id, #"{"type": "envoi"}"#, as: "analyste@ars.fr", expect: .forbidden)
            let sent = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
            #expect(sent["etat"] as? String == "proposition_envoyee")
            #expect(sent["attente_de"] as? String == "etablissement")
            let documents = try #require(sent["documents"] as? [[String: Any]])
            let proposal = try #require(documents.first { $0["type"] as? String == "proposition" })
            let sha = try #require(proposal["sha256"] as? String)
            #expect(proposal["version"] as? Int == 1)

            // The PDF: scoped like its contract, sealed (pdfsig), French text (pdftotext).
            let pdf = try await client.send(.GET, "/api/v1/documents/\(sha)", as: "chu@lille.fr")
            #expect(pdf.status == .ok && pdf.headers.contentType?.subType == "pdf")
            let bytes = Data(pdf.body.readableBytesView)
            #expect(SHA256Hex.of(bytes) == sha)
            let file = try temporaryFile(bytes, name: "proposition.pdf")
            let signature = try Poppler.run("pdfsig", [file])
            #expect(signature.contains("Signature is Valid"), "\(signature)")
            let text = try Poppler.run("pdftotext", ["-layout", file, "-"])
            #expect(text.contains("Proposition de contrat d'amélioration de la qualité"))
            #expect(text.contains("590780193") && text.contains("Annexe 1 — N1"))
            #expect(text.contains("80\u{202F}000\u{202F}000,00 €"), "amounts are written with narrow no-break spaces")
            _ = try await client.send(.GET, "/api/v1/documents/\(sha)", as: "autre@etab.fr").status == .notFound
            #expect(try await client.send(.GET, "/api/v1/documents/\(sha)", as: "autre@etab.fr").status == .notFound)
            #expect(try await client.send(.GET, "/api/v1/documents/\(String(repeating: "0", count: 64))", as: "chu@lille.fr").status == .notFound)

            // Receipt on Monday 3 October 2022: the first period ends on 24 October (B.8 ex. 17).
            app.clock.set(Self.at("2022-10-03"))
            _ = try await client.json(.GET, "/api/v1/contrats/\(id)", as: "autre@etab.fr", expect: .notFound)
            _ = try await client.json(.GET, "/api/v1/contrats/\(id)", as: "expert@omedit.fr", expect: .forbidden)
            let received = try await client.act(id, #"{"type": "accuse_reception"}"#, as: "chu@lille.fr")
            #expect(received["etat"] as? String == "periode_1" && received["echeance"] as? String == "2022-10-24")
            let events = try #require(received["evenements"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["avis_am", "envoi", "accuse_reception"])
            #expect(events.last?["document"] as? String == sha)

            // Signing: CME opinion, acceptance, then the three parties; a wrong password signs nothing.
            app.clock.set(Self.at("2022-10-10"))
            let noCME = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: "chu@lille.fr", expect: .unprocessableEntity)
            #expect((noCME["erreur"] as? String)?.contains("avis de la CME") == true)
            _ = try await client.act(id, #"{"type": "avis_cme", "date": "2022-10-07"}"#, as: "chu@lille.fr")
            _ = try await client.act(id, #"{"type": "acceptation"}"#, as: "chu@lille.fr")
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "faux"}"#, as: "chu@lille.fr", expect: .forbidden)
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: "adjoint@lille.fr", expect: .forbidden)
            let esSigned = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: "chu@lille.fr")
            #expect(esSigned["etat"] as? String == "signature" && esSigned["attente_de"] as? String == "ars,assurance_maladie")
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: "chu@lille.fr", expect: .conflict)
            _ = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)", "signataire": "delegue_departemental"}"#, as: "dg@ars.fr")
            let signed = try await client.act(id, #"{"type": "signature", "mot_de_passe": "\#(testPassword)"}"#, as: "cpam@am.fr")
            #expect(signed["etat"] as? String == "signe" && signed["attente_de"] as? String == "plateforme")
            let finalDocs = try #require(signed["documents"] as? [[String: Any]])
            let contractSHA = try #require(finalDocs.first { $0["type"] as? String == "contrat_signe" }?["sha256"] as? String)
            let signedPDF = try await client.send(.GET, "/api/v1/documents/\(contractSHA)", as: "cpam@am.fr")
            let signedFile = try temporaryFile(Data(signedPDF.body.readableBytesView), name: "contrat.pdf")
            #expect(try Poppler.run("pdfsig", [signedFile]).contains("Signature is Valid"))
            let signedText = try Poppler.run("pdftotext", [signedFile, "-"])
            #expect(signedText.contains("Directeur CHU") && signedText.contains("cpam@am.fr") && signedText.contains("dg@ars.fr"))

            // The contract enters into force on its start date, by a database job.
            app.clock.set(Self.at("2022-12-31", 23, 0))
            _ = try await JobRunner.runDue(app: app)
            #expect(try await client.json(.GET, "/api/v1/contrats/\(id)", as: "chu@lille.fr")["etat"] as? String == "signe")
            app.clock.set(Self.at("2023-01-01", 0, 0, 1))
            _ = try await JobRunner.runDue(app: app)
            #expect(try await client.json(.GET, "/api/v1/contrats/\(id)", as: "chu@lille.fr")["etat"] as? String == "en_vigueur")

            // Lists are scoped and filter by state.
            let list = try await client.json(.GET, "/api/v1/contrats?region=32&etat=en_vigueur", as: "dg@ars.fr")
            #expect(list["total"] as? Int == 1)
            #expect(try await client.json(.GET, "/api/v1/contrats", as: "autre@etab.fr")["total"] as? Int == 0)
            _ = try await client.json(.GET, "/api/v1/contrats?etat=inconnu", as: "dg@ars.fr", expect: .badRequest)
        }
    }

    @Test("Expiry is a job after 23:59:59 Paris; amended proposal with the 1 % sanction; refusal; sanction decision; recovery")
    func refusedContract() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var (client, campaign) = try await Self.frozenCampaign(app)
            let id = try await client.lilleContract(campaign)
            app.clock.set(Self.at("2022-09-26"))
            _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-09-20"}"#, as: "cpam@am.fr")
            _ = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
            // The ARS records an e-mail acknowledgement dated 3 October.
            app.clock.set(Self.at("2022-10-04"))
            // Multipart, with the e-mail acknowledgement as its proof (D19), through the upload path.
            let boundary = "preuve-boundary"
            let proof = "Accusé de réception du courriel du 03/10/2022"
            var headers = try await client.headers("analyste@ars.fr")
            headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\naccuse_reception\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2022-10-03\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"piece\"; filename=\"ar.eml\"\r\nContent-Type: message/rfc822\r\n\r\n\(proof)\r\n--\(boundary)--\r\n"
            var foreign = try await client.headers("analyste-idf@ars.fr")
            foreign.contentType = headers.contentType
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/contrats/\(id)/actes", headers: foreign, body: ByteBuffer(string: body)).status == .notFound)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/contrats/\(id)/actes", headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .ok, "\(response.body.string)")
            let received = (try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]) ?? [:]
            #expect(received["echeance"] as? String == "2022-10-24")
            let piece = (received["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "piece_accuse_reception" }
            #expect(piece?["sha256"] as? String == SHA256Hex.of(Data(proof.utf8)))
            #expect(try await client.send(.GET, "/api/v1/documents/\(SHA256Hex.of(Data(proof.utf8)))", as: "chu@lille.fr").body.string == proof)
            // An amended proposal before the end of the period is premature: the refusal says until when.
            let premature = try await client.act(id, #"{"type": "proposition_modifiee"}"#, as: "dg@ars.fr", expect: .conflict)
            #expect((premature["erreur"] as? String)?.contains("24/10/2022") == true)
            // The expiry job does nothing at 23:59:58 on the last day, and expires the period right after midnight.
            app.clock.set(Self.at("2022-10-24", 23, 59, 58))
            _ = try await JobRunner.runDue(app: app)
            #expect(try await client.json(.GET, "/api/v1/contrats/\(id)", as: "dg@ars.fr")["etat"] as? String == "periode_1")
            let late = try await client.act(id, #"{"type": "observations", "texte": "trop tard ?"}"#, as: "chu@lille.fr")
            #expect(late["etat"] as? String == "observations", "observations on the last day are in time")
            _ = try await client.act(id, #"{"type": "reponse", "texte": "Réponse de l'ARS"}"#, as: "analyste@ars.fr", expect: .unprocessableEntity)
            let observation = try #require((late["evenements"] as? [[String: Any]])?.last?["id"] as? String)
            _ = try await client.act(id, #"{"type": "reponse", "observation": "\#(observation)", "texte": "Les données PHEV 2022 sont celles de l'Assurance Maladie."}"#,
                                     as: "analyste@ars.fr")
            app.clock.set(Self.at("2022-10-27"))
            let noOpinion = try await client.act(id, #"{"type": "proposition_modifiee"}"#, as: "dg@ars.fr", expect: .unprocessableEntity)
            #expect((noOpinion["erreur"] as? String)?.contains("avis de l'organisme local d'assurance maladie sur la proposition modifiée") == true)
            _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-10-26"}"#, as: "cpam@am.fr")
            let amended = try await client.act(id, #"{"type": "proposition_modifiee"}"#, as: "dg@ars.fr")
            #expect(amended["etat"] as? String == "proposition_modifiee")
            #expect((amended["sanction"] as? [String: Any])?["montant"] as? String == "800000.00")
            let amendedSHA = try #require((amended["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "proposition_modifiee" }?["sha256"] as? String)
            let amendedPDF = try await client.send(.GET, "/api/v1/documents/\(amendedSHA)", as: "chu@lille.fr")
            let amendedText = try Poppler.run("pdftotext", [try temporaryFile(Data(amendedPDF.body.readableBytesView), name: "pm.pdf"), "-"])
            #expect(amendedText.contains("800\u{202F}000,00 €"), "the amended proposal states the sanction (D14)")
            // Period 2 from the receipt of 2 November: 15 days, to 17 November.
            app.clock.set(Self.at("2022-11-02"))
            let open2 = try await client.act(id, #"{"type": "accuse_reception"}"#, as: "chu@lille.fr")
            #expect(open2["etat"] as? String == "periode_2" && open2["echeance"] as? String == "2022-11-17")
            let refused = try await client.act(id, #"{"type": "refus"}"#, as: "chu@lille.fr")
            #expect(refused["etat"] as? String == "refuse")
            _ = try await client.act(id, #"{"type": "notification_sanction"}"#, as: "analyste@ars.fr", expect: .forbidden)
            let sanctioned = try await client.act(id, #"{"type": "notification_sanction"}"#, as: "dg@ars.fr")
            #expect(sanctioned["etat"] as? String == "sanction_notifiee" && sanctioned["attente_de"] as? String == "assurance_maladie")
            let decisionSHA = try #require((sanctioned["documents"] as? [[String: Any]])?.first { $0["type"] as? String == "decision_sanction" }?["sha256"] as? String)
            let decision = try await client.send(.GET, "/api/v1/documents/\(decisionSHA)", as: "cpam@am.fr")
            let decisionText = try Poppler.run("pdftotext", [try temporaryFile(Data(decision.body.readableBytesView), name: "d.pdf"), "-"])
            // D21: facts, answers to each observation, calculation, legal basis.
            #expect(decisionText.contains("Faits retenus") && decisionText.contains("Base légale") && decisionText.contains("D162-15"))
            #expect(decisionText.contains("trop tard ?") && decisionText.contains("Les données PHEV 2022 sont celles"))
            #expect(decisionText.contains("800\u{202F}000,00 €"))
            let recovered = try await client.act(id, #"{"type": "recouvrement"}"#, as: "cpam@am.fr")
            #expect(recovered["etat"] as? String == "recouvre" && recovered["actes_possibles"] as? [String] == [])
            // The event log is append-only in the database itself (D20).
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE contract_events SET actor = 'x'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM contract_events").run() }
        }
    }

    @Test("The whole list at once: contracts from the stored AM products, the fund's opinion on all, sending as one job")
    func bulk() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
                .run(kind: .measures, path: try temporaryFile("finess;mesure;annee;valeur\n590780193;am_products;2022;80000000\n"),
                     fileName: "produits.csv", options: .init(), actor: .system)
            var client = Client(app: app)
            app.clock.set(Self.at("2022-09-01"))
            let created = try await client.json(.POST, "/api/v1/campagnes-ciblage", as: "analyste@ars.fr",
                                                #"{"region": "32", "annee": 2022, "catalogues": ["national-2022"]}"#, expect: .created)
            let campaign = try #require(created["id"] as? String)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/derogations", as: "analyste@ars.fr",
                                      #"{"titulaire": "590781803", "indicateur": "N1", "cible": true, "raison": "Ajout régional"}"#, expect: .created)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/contrats", as: "analyste@ars.fr",
                                      #"{"debut": "2023-01-01", "fin": "2025-12-31"}"#, expect: .conflict)
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/gel", as: "dg@ars.fr", #"{"date_decision": "2022-09-01"}"#)
            let result = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/contrats", as: "analyste@ars.fr",
                                               #"{"debut": "2023-01-01", "fin": "2025-12-31"}"#, expect: .created)
            #expect(result["crees"] as? Int == 1)
            #expect((result["ecartes"] as? [String])?.first?.contains("590781803") == true, "no stored AM products: left out, named")
            app.clock.set(Self.at("2022-09-20"))
            _ = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/envoi", as: "analyste@ars.fr", expect: .forbidden)
            let opinions = try await client.json(.POST, "/api/v1/contrats/avis-am", as: "cpam@am.fr", #"{"date": "2022-09-19"}"#)
            #expect(opinions["avis"] as? Int == 1)
            #expect(try await client.json(.POST, "/api/v1/contrats/avis-am", as: "cpam62@am.fr", "{}")["avis"] as? Int == 0)
            let queued = try await client.json(.POST, "/api/v1/campagnes-ciblage/\(campaign)/envoi", as: "dg@ars.fr", expect: .accepted)
            let job = try await waitForJob(app, try #require((queued["tache"] as? String).flatMap(UUID.init(uuidString:))))
            #expect(job.state == JobState.done.rawValue && job.message == "1 proposition(s) envoyée(s).", "\(job.message ?? "")")
            let list = try await client.json(.GET, "/api/v1/contrats?etat=proposition_envoyee", as: "dg@ars.fr")
            #expect(list["total"] as? Int == 1)
        }
    }

    /// Who sees the contract of CHU de Lille (HDF, Nord): its region's ARS, the Nord fund, its own
    /// accounts and the administrator; a foreign region, department or holder gets 404; the expert
    /// has no contract family (403); the campaign is ARS-only.
    static let matrix: [(email: String, contract: HTTPStatus, campaign: HTTPStatus)] = [
        ("admin@caqes.fr", .ok, .ok),
        ("analyste@ars.fr", .ok, .ok), ("dg@ars.fr", .ok, .ok), ("analyste-idf@ars.fr", .notFound, .notFound),
        ("cpam@am.fr", .ok, .forbidden), ("cpam62@am.fr", .notFound, .forbidden),
        ("chu@lille.fr", .ok, .forbidden), ("autre@etab.fr", .notFound, .forbidden),
        ("expert@omedit.fr", .forbidden, .forbidden),
    ]

    @Test("Access matrix: every role × every contracting route × a foreign record")
    func accessMatrix() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            try await createUser(app, "admin@caqes.fr", .admin)
            var (client, campaign) = try await Self.frozenCampaign(app)
            let id = try await client.lilleContract(campaign).lowercased()
            _ = try await client.act(id, #"{"type": "avis_am"}"#, as: "cpam@am.fr")
            let sent = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
            let sha = try #require((sent["documents"] as? [[String: Any]])?.first?["sha256"] as? String)
            let events = try await ContractEventRecord.query(on: app.db).count()
            for (email, contract, campaignStatus) in Self.matrix {
                // API
                #expect(try await client.send(.GET, "/api/v1/contrats/\(id)", as: email).status == contract, "API contract for \(email)")
                // The document route serves evaluation documents to experts too: a contract's is not found for them.
                let document: HTTPStatus = contract == .forbidden ? .notFound : contract
                #expect(try await client.send(.GET, "/api/v1/documents/\(sha)", as: email).status == document, "API document for \(email)")
                #expect(try await client.send(.GET, "/api/v1/campagnes-ciblage/\(campaign)", as: email).status == campaignStatus, "API campaign for \(email)")
                let act = try await client.send(.POST, "/api/v1/contrats/\(id)/actes", as: email, #"{"type": "avis_cme"}"#)
                if contract != .ok { #expect(act.status == contract, "API act for \(email)") }
                // Pages
                var browser = Browser(app)
                try await browser.login(email)
                #expect(try await browser.get("/contrats/\(id)").status == contract, "page contract for \(email)")
                #expect(try await browser.get("/documents/\(sha)").status == document, "page document for \(email)")
                #expect(try await browser.get("/campagnes/\(campaign)").status == campaignStatus, "page campaign for \(email)")
                let form = try await browser.post("/contrats/\(id)/actes", form: ["type": "avis_cme", "date": "2022-09-01"])
                if contract != .ok { #expect(form.status == contract, "page act for \(email)") }
                // Bulk and preview routes: a foreign campaign or contract answers 404, a role without them 403.
                #expect(try await browser.get("/contrats/\(id)/apercu.pdf").status
                        == (["admin@caqes.fr", "analyste@ars.fr", "dg@ars.fr", "analyste-idf@ars.fr"].contains(email) ? contract : .forbidden),
                        "preview for \(email)")
                #expect(try await browser.get("/campagnes/\(campaign)/contrats?debut=2023-01-01&fin=2025-12-31").status == campaignStatus, "bulk preview for \(email)")
                for path in ["/api/v1/campagnes-ciblage/\(campaign)/avenants", "/api/v1/campagnes-ciblage/\(campaign)/contrats"] {
                    let status = try await client.send(.POST, path, as: email, #"{"debut": "2099-01-01", "fin": "2099-12-31"}"#).status
                    if campaignStatus != .ok { #expect(status == campaignStatus, "\(path) for \(email)") }
                }
                let list = try await browser.get("/contrats")
                #expect(list.status == (contract == .forbidden ? .forbidden : .ok))
                if contract == .notFound { #expect(!list.body.string.contains("CHR LILLE"), "list for \(email)") }
            }
            // No account outside the contract's scope (or without the family) wrote anything.
            let allowed = Set(Self.matrix.filter { $0.contract == .ok }.map(\.email))
            let written = try await ContractEventRecord.query(on: app.db).sort(\.$seq).all().dropFirst(events)
            #expect(written.allSatisfy { record in allowed.contains { record.actor.contains("<\($0)>") } }, "\(written.map(\.actor))")
            // The public verification page says only kind, holder, version, date and state.
            let verify = try await app.testing().sendRequest(.GET, "/verifier/\(sha)")
            #expect(verify.status == .ok && verify.body.string.contains("Document authentique") && verify.body.string.contains("CHR LILLE"))
            #expect(!verify.body.string.contains("80\u{202F}000\u{202F}000"))
            #expect(try await app.testing().sendRequest(.GET, "/verifier/\(String(repeating: "a", count: 64))").status == .notFound)
        }
    }

    @Test("Hostile act bodies and identifiers answer 4xx in French, never 5xx")
    func hostile() async throws {
        try await withApp { app in
            try await Self.setUp(app)
            var (client, campaign) = try await Self.frozenCampaign(app)
            let id = try await client.lilleContract(campaign)
            let bodies = [#"{}"#, #"{"type": 12}"#, #"{"type": "inconnu"}"#, #"{"type": "expiration"}"#, #"{"type": "avis_am", "date": "2022-02-30"}"#,
                          #"{"type": "avis_am", "date": "99999-01-01"}"#, "not json", #"{"type": "observations", "texte": ""}"#,
                          #"{"type": "signature", "signataire": "roi"}"#, String(repeating: "[", count: 10_000)]
            for body in bodies {
                for email in ["analyste@ars.fr", "dg@ars.fr", "cpam@am.fr", "chu@lille.fr"] {
                    let response = try await client.send(.POST, "/api/v1/contrats/\(id)/actes", as: email, body)
                    #expect((400..<500).contains(response.status.code), "\(body.prefix(40)) as \(email): \(response.status)")
                    #expect(response.body.string.contains("erreur"))
                }
            }
            for path in ["/api/v1/contrats/abc", "/api/v1/contrats/\(UUID())", "/api/v1/campagnes-ciblage/\(UUID())", "/api/v1/documents/zz"] {
                #expect(try await client.send(.GET, path, as: "dg@ars.fr").status == .notFound, "\(path)")
            }
            // Nothing was half-written.
            #expect(try await ContractEventRecord.query(on: app.db).count() == 0)
        }
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Runs a poppler tool; CI installs poppler-utils, so a missing tool fails the test.
enum Poppler {
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 { Issue.record("\(tool) is missing: apt-get install -y poppler-utils") }
        return text
    }
}
