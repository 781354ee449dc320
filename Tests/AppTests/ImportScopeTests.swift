@testable import App
import CAQESCore
import CAQESData
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Scope below the registry: imports, their pages and API, saved mappings, measures of an EJ.
@Suite("Périmètre des imports et des mesures")
struct ImportScopeTests {
    static func bearer(_ app: Application, _ email: String) async throws -> HTTPHeaders {
        try await bearerHeaders(app, email)
    }

    static func postImport(_ app: Application, _ headers: HTTPHeaders, _ file: String, fields: [(String, String)] = [("type", "mesures")]) async throws -> UUID {
        let (multipart, body) = multipartBody(fields: fields, file: file)
        var all = headers
        for (name, value) in multipart { all.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: all, body: body)
        #expect(response.status == .accepted, "\(response.body.string)")
        return try response.content.decode(ImportAPIController.ImportDTO.self).id
    }

    @Test("an import of region 11 does not exist for an analyst of region 32, on every page and in the API; the admin sees it")
    func foreignImport() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars11@test.caqes.fr", .arsAnalyst, scope: ["11"])
            try await createUser(app, "ars32@test.caqes.fr", .arsAnalyst, scope: ["32"])
            try await createUser(app, "admin@test.caqes.fr", .admin)
            let paris = try await Self.bearer(app, "ars11@test.caqes.fr")
            // AGEPS AP-HP (Paris): region 11.
            let id = try await Self.postImport(app, paris, "finess;mesure;annee;valeur\n750000341;hf_stays;2023;42\n")
            let job = try await waitForJob(app, id)
            #expect(job.state == JobState.done.rawValue)
            let run = try #require(try await ImportRun.find(id, on: app.db))
            #expect(run.regions == "11")
            let path = SiteURL.importRun(id).path
            var lille = Browser(app)
            try await lille.login("ars32@test.caqes.fr")
            for url in [path, path + "?ligne=2", path + "/erreurs.csv", path + "/correspondance"] {
                #expect(try await lille.get(url).status == .notFound, "\(url)")
            }
            #expect(try await lille.post(path + "/confirmer", form: [:]).status == .notFound)
            #expect(!(try await lille.get("/admin/imports").body.string.contains(path)))
            let lilleAPI = try await Self.bearer(app, "ars32@test.caqes.fr")
            #expect(try await app.testing().sendRequest(.GET, SiteURL.apiImport(id).path, headers: lilleAPI).status == .notFound)
            var admin = Browser(app)
            try await admin.login("admin@test.caqes.fr")
            #expect(try await admin.get(path).status == .ok)
            #expect(try await admin.get("/admin/imports").body.string.contains(path))
            var owner = Browser(app)
            try await owner.login("ars11@test.caqes.fr")
            #expect(try await owner.get(path + "?ligne=2").body.string.contains("750000341 · hf_stays · 2023"))
        }
    }

    @Test("a file with a row outside the analyst's region is refused whole, the rows named; nothing is written")
    func rowOutsideScope() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars32@test.caqes.fr", .arsAnalyst, scope: ["32"])
            let headers = try await Self.bearer(app, "ars32@test.caqes.fr")
            let id = try await Self.postImport(app, headers, "finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n750000341;hf_stays;2023;42\n")
            let job = try await waitForJob(app, id)
            #expect(job.state == JobState.refused.rawValue)
            let dto = try await app.testing().sendRequest(.GET, SiteURL.apiImport(id).path, headers: headers).content.decode(ImportAPIController.ImportDTO.self)
            #expect(dto.problemes.contains { $0.contains("ligne 3") && $0.contains("hors de votre périmètre (région 11)") })
            #expect(try await MeasureValueRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("a new version of a source replaces only the establishments it carries, never another region's values")
    func versionsStayInTheirRegion() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars11@test.caqes.fr", .arsAnalyst, scope: ["11"])
            try await createUser(app, "ars32@test.caqes.fr", .arsAnalyst, scope: ["32"])
            let paris = try await Self.bearer(app, "ars11@test.caqes.fr"), lille = try await Self.bearer(app, "ars32@test.caqes.fr")
            let first = try await Self.postImport(app, paris, "finess;mesure;annee;valeur\n750000341;hf_stays;2023;42\n",
                                                  fields: [("type", "mesures"), ("source", "pmsi")])
            try await waitForJob(app, first)
            let second = try await Self.postImport(app, lille, "finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n",
                                                   fields: [("type", "mesures"), ("source", "pmsi")])
            try await waitForJob(app, second)
            let current = try await MeasureValueRecord.query(on: app.db).filter(\.$current == true).all().map(\.finess).sorted()
            #expect(current == ["590780193", "750000341"])
        }
    }

    @Test("saved mappings belong to a region: another region neither sees nor overwrites them")
    func mappingsPerRegion() async throws {
        try await withApp { app in
            let mapping = MeasureMapping(finessColumn: "FINESS", fixedYear: 2023, columns: [.init(column: "IC", measure: "hf_stays")])
            let ars11 = AuditActor(id: nil, label: "ars 11")
            try await MappingStore.save(name: "pmsi", mapping: mapping, by: ars11, scope: .regions(["11"]), at: app.clock.now(), db: app.db)
            #expect(try await MappingStore.load(name: "pmsi", scope: .regions(["32"]), db: app.db) == nil)
            #expect(try await MappingStore.names(scope: .regions(["32"]), db: app.db).isEmpty)
            await #expect(throws: UserFacingError.self) {
                try await MappingStore.save(name: "pmsi", mapping: mapping, by: .system, scope: .regions(["32"]), at: app.clock.now(), db: app.db)
            }
            #expect(try await MappingStore.load(name: "pmsi", scope: .regions(["11"]), db: app.db) == mapping)
            try await MappingStore.save(name: "global", mapping: mapping, by: .system, at: app.clock.now(), db: app.db)
            #expect(try await MappingStore.names(scope: .regions(["32"]), db: app.db) == ["global"])
        }
    }

    @Test("the measures of a legal entity are shown only to users whose scope covers that entity")
    func legalEntityMeasures() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock).run(
                kind: .measures, path: try temporaryFile("finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n590000105;hf_stays;2023;7\n"),
                fileName: "m.csv", options: .init(), actor: .system)
            let entity = MeasureRepository(db: app.db, scope: .holders(["590780193"]))
            #expect(try await entity.current(finess: ["590000105", "590780193"]).count == 2)
            let otherHolder = MeasureRepository(db: app.db, scope: .holders(["590000022"]))
            #expect(try await otherHolder.current(finess: ["590000105", "590780193"]).isEmpty)
            let paris = MeasureRepository(db: app.db, scope: .regions(["11"]))
            #expect(try await paris.current(finess: ["590000105", "590780193"]).isEmpty)
            let nord = MeasureRepository(db: app.db, scope: .departments(["59"]))
            #expect(try await nord.current(finess: ["590000105", "590780193"]).count == 2)
        }
    }
}
