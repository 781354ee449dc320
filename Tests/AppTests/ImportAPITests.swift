@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("API des imports")
struct ImportAPITests {
    static func token(_ app: Application, _ email: String) async throws -> HTTPHeaders {
        try await bearerHeaders(app, email)
    }

    static func post(_ app: Application, _ headers: HTTPHeaders, fields: [(String, String)], file: String) async throws -> TestingHTTPResponse {
        var headers = headers
        let boundary = "api-boundary"
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        var body = ""
        for (name, value) in fields { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"api.csv\"\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: headers, body: ByteBuffer(string: body))
    }

    @Test("an analyst's program posts a measures file, polls it, and finds the stored values; others are refused")
    func lifecycle() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars@test.caqes.fr", .arsAnalyst, scope: ["32"])
            try await createUser(app, "cpam@test.caqes.fr", .insurer, scope: ["59"])
            let headers = try await Self.token(app, "ars@test.caqes.fr")
            let created = try await Self.post(app, headers, fields: [("type", "mesures")],
                                              file: "finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n")
            #expect(created.status == .accepted)
            let link = try #require(created.headers.first(name: .location))
            var dto = try created.content.decode(ImportAPIController.ImportDTO.self)
            #expect(dto.statut == JobState.queued.rawValue)
            for _ in 0..<400 where dto.statut == JobState.queued.rawValue || dto.statut == JobState.running.rawValue {
                try await Task.sleep(for: .milliseconds(50))
                dto = try await app.testing().sendRequest(.GET, link, headers: headers).content.decode(ImportAPIController.ImportDTO.self)
            }
            #expect(dto.statut == ImportStatus.done.rawValue)
            #expect(dto.valeurs == 1 && dto.annees == [2023] && dto.source == "api")
            let refused = try await Self.post(app, headers, fields: [("type", "finess")], file: "x")
            #expect(refused.status == .forbidden)
            let noYear = try await Self.post(app, headers, fields: [("type", "phmev")], file: "x")
            #expect(noYear.status == .unprocessableEntity && noYear.body.string.contains("annee"))
            let insurer = try await Self.token(app, "cpam@test.caqes.fr")
            #expect(try await Self.post(app, insurer, fields: [("type", "mesures")], file: "x").status == .forbidden)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/imports/\(UUID().uuidString)", headers: headers).status == .notFound)
        }
    }
}
