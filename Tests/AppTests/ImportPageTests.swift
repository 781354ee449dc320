@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Page d'import")
struct ImportPageTests {
    static func upload(_ browser: inout Browser, kind: String, fileName: String, content: String,
                       fields: [(String, String)] = []) async throws -> TestingHTTPResponse {
        try await browser.get("/admin/imports")
        let boundary = "caqes-boundary"
        var body = ""
        for (name, value) in [("type", kind)] + fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        headers.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
        // The upload form carries its CSRF token in its address, checked before the body is read.
        let token = (browser.csrf ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await browser.app.testing().sendRequest(.POST, "/admin/imports?_csrf=\(token)", headers: headers, body: ByteBuffer(string: body))
    }

    static func waitForEnd(_ app: Application, _ id: UUID) async throws -> ImportRun {
        try await waitForJob(app, id)
        return try #require(try await ImportRun.find(id, on: app.db))
    }

    @Test("an uploaded file is imported in the background; its page shows progress, then the result")
    func uploadFlow() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let content = ([RegistryImportTests.header] + RegistryImportTests.good).joined(separator: "\n")
            let response = try await Self.upload(&browser, kind: "finess", fileName: "finess.csv", content: content)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let run = try await Self.waitForEnd(app, id)
            #expect(run.status == ImportStatus.done.rawValue)
            #expect(run.createdCount == 2)
            let page = try await browser.get(location).body.string
            #expect(page.contains("Import terminé"))
            #expect(page.contains("2 créée(s)"))
            #expect(try await browser.get("/admin/imports").body.string.contains("finess.csv"))
        }
    }

    @Test("a refused upload lists its bad rows on the page and as a CSV download")
    func refusedUpload() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let content = [RegistryImportTests.header, RegistryImportTests.good[0],
                           "010000025;010780054;CLE FAUSSE;355;x;1102;x;1;x;x;x;x;;01440;VIRIAT;x;1979-02-13;2020-02-04;0;0"].joined(separator: "\n")
            let response = try await Self.upload(&browser, kind: "finess", fileName: "mauvais.csv", content: content)
            let location = try #require(response.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let run = try await Self.waitForEnd(app, id)
            #expect(run.status == ImportStatus.refused.rawValue)
            let page = try await browser.get(location).body.string
            #expect(page.contains("Fichier refusé"))
            #expect(page.contains("ligne 3, colonne nofinesset : valeur « 010000025 »"))
            let csv = try await browser.get(location + "/erreurs.csv").body.string
            #expect(csv.contains("Ligne;Colonne;Valeur;Raison"))
            #expect(csv.contains("3;nofinesset;010000025;"))
            #expect(try await Site.query(on: app.db).count() == 0)
        }
    }

    @Test("measures wizard: an analyst uploads, sees the preview and the problems, confirms; the values show on the establishment page")
    func measuresWizard() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars@test.caqes.fr", .arsAnalyst, scope: ["32"])
            var browser = Browser(app)
            try await browser.login("ars@test.caqes.fr")
            let forbidden = try await Self.upload(&browser, kind: "finess", fileName: "f.csv", content: "x")
            #expect(forbidden.status == .forbidden)
            let content = "finess;mesure;annee;valeur\n590780193;phev_ipp_amount;2023;180 000,50\n590000105;hf_stays;2023;.c\n010000040;hf_stays;2023;4\n"
            let response = try await Self.upload(&browser, kind: "mesures", fileName: "cpam.csv", content: content,
                                                 fields: [("apercu", "on"), ("ignorer_inconnus", "on")])
            let location = try #require(response.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            try await waitForJob(app, id)
            let preview = try await browser.get(location).body.string
            #expect(preview.contains("Aperçu — rien n"))
            #expect(preview.contains("<td>590780193</td><td>phev_ipp_amount</td><td>2023</td><td>180000.5</td>"))
            #expect(preview.contains("ligne 4, colonne finess : valeur « 010000040 »"))
            #expect(try await MeasureValueRecord.query(on: app.db).count() == 0)
            let confirmed = try await browser.post(location + "/confirmer", form: [:])
            let done = try #require(confirmed.headers.first(name: .location))
            let doneID = try #require(UUID(uuidString: String(done.split(separator: "/").last ?? "")))
            let run = try await Self.waitForEnd(app, doneID)
            #expect(run.status == ImportStatus.done.rawValue && run.createdCount == 2 && run.skippedCount == 1)
            let detail = try await browser.get("/etablissements/590000105").body.string
            #expect(detail.contains("phev_ipp_amount") && detail.contains("180\u{202F}000,5") && detail.contains("masqué"))
            #expect(detail.contains("/admin/imports/\(doneID.uuidString.lowercased())?ligne=2"))
            let line = try await browser.get("/admin/imports/\(doneID.uuidString.lowercased())?ligne=2").body.string
            #expect(line.contains("590780193 · phev_ipp_amount · 2023 : 180\u{202F}000,5"))
        }
    }

    @Test("wizard mapping step: a wide file asks which column is which, saves the mapping, then previews and imports")
    func mappingStep() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars@test.caqes.fr", .arsAnalyst, scope: ["32"])
            var browser = Browser(app)
            try await browser.login("ars@test.caqes.fr")
            let content = "FINESS ET;Séjours IC;Commentaire\n590000105;120;ok\n800000143;45;\n"
            let response = try await Self.upload(&browser, kind: "mesures", fileName: "ic.csv", content: content)
            let location = try #require(response.headers.first(name: .location))
            #expect(location.hasSuffix("/correspondance"))
            let page = try await browser.get(location).body.string
            #expect(page.contains("Séjours IC") && page.contains("120 · 45"))
            let incomplete = try await browser.post(location, form: ["finess": "0"])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.body.string.contains("année inconnue"))
            let submitted = try await browser.post(location, form: ["finess": "0", "annee": "2023", "mesure_1": "hf_stays", "enregistrer": "pmsi-ic"])
            let runPage = try #require(submitted.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(runPage.split(separator: "/").last ?? "")))
            try await waitForJob(app, id)
            #expect(try await browser.get(runPage).body.string.contains("<td>590000105</td><td>hf_stays</td><td>2023</td><td>120</td>"))
            #expect(try await MappingStore.load(name: "pmsi-ic", db: app.db)?.columns == [.init(column: "Séjours IC", measure: "hf_stays")])
            let confirmed = try await browser.post(runPage + "/confirmer", form: [:])
            let done = try #require(UUID(uuidString: String((confirmed.headers.first(name: .location) ?? "").split(separator: "/").last ?? "")))
            #expect(try await Self.waitForEnd(app, done).createdCount == 2)
        }
    }

    @Test("an upload without type or file gets a French message")
    func missingFields() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let response = try await Self.upload(&browser, kind: "", fileName: "a.csv", content: "x")
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Choisissez le type de fichier"))
            let noYear = try await Self.upload(&browser, kind: "phmev", fileName: "a.csv", content: "x")
            #expect(noYear.status == .unprocessableEntity)
            #expect(noYear.body.string.contains("Indiquez l"))
        }
    }
}
