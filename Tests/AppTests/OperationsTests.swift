@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Exploitation, erreurs et pages")
struct OperationsTests {
    @Test("health, readiness and Prometheus metrics answer")
    func health() async throws {
        try await withApp(["CAQES_METRICS_TOKEN": "jeton-metriques-essai"]) { app in
            #expect(try await app.testing().sendRequest(.GET, "/healthz").status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/readyz").status == .ok)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: "jeton-metriques-essai")
            #expect(try await app.testing().sendRequest(.GET, "/metrics").status == .notFound)
            let metrics = try await app.testing().sendRequest(.GET, "/metrics", headers: bearer).body.string
            #expect(metrics.contains("caqes_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"))
            #expect(metrics.contains("caqes_database_up 1"))
            #expect(metrics.contains("caqes_http_request_duration_seconds_bucket"))
        }
    }

    @Test("every response carries the security headers and a request id")
    func securityHeaders() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/connexion")
            #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
            #expect(response.headers.first(name: "X-Request-Id") != nil)
            let cookie = response.headers.first(name: .setCookie) ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        }
    }

    @Test("an unknown route gets a French 404 page, and JSON on the API")
    func notFound() async throws {
        try await withApp { app in
            let page = try await app.testing().sendRequest(.GET, "/nulle-part")
            #expect(page.status == .notFound)
            #expect(page.body.string.contains("Page introuvable"))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/nulle-part")
            #expect(api.status == .notFound)
            #expect(api.body.string.contains("\"erreur\""))
        }
    }

    @Test("an upload over the size limit is refused with 413 and a French message")
    func tooLarge() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            try await browser.get("/admin/imports")
            app.caqesSettings.maxUploadBytes = 1_000
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": "xyz"])
            headers.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
            let body = "--xyz\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"a.csv\"\r\n\r\n" + String(repeating: "x", count: 5_000) + "\r\n--xyz--\r\n"
            let token = (browser.csrf ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await app.testing().sendRequest(.POST, "/admin/imports?_csrf=\(token)", headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("Fichier trop volumineux"))
        }
    }

    @Test("the registry list filters, paginates and exports a CSV that opens in Excel")
    func registryPagesAndExport() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let list = try await browser.get("/etablissements").body.string
            #expect(list.contains("2\u{202F}001</strong> établissement(s)"))
            #expect(list.contains("fr-pagination"))
            let search = try await browser.get("/etablissements?q=abbeville&departement=80").body.string
            #expect(search.contains("CH ABBEVILLE"))
            #expect(!search.contains("CHR LILLE"))
            #expect(try await browser.get("/etablissements?page=abc").status == .badRequest)
            let detail = try await browser.get("/etablissements/590000105").body.string
            #expect(detail.contains("CHR LILLE") && detail.contains("590780193") && detail.contains("FINESS, extraction du 08/01/2021"))
            let csv = try await browser.get("/etablissements.csv?region=32&statut=public")
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = csv.body.string
            #expect(text.contains("FINESS ET;FINESS EJ;Raison sociale;Catégorie"))
            #expect(text.contains("\r\n"))
            #expect(csv.headers.first(name: .contentDisposition)?.contains("etablissements.csv") == true)
            let rows = text.split(separator: "\r\n").dropFirst()
            #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(";Public;") })
        }
    }

    @Test("the OpenAPI description is served and names both endpoints")
    func openAPI() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string.contains("/establishments/{finess}"))
        }
    }

    @Test("admins create users from the page; a missing scope is refused with every reason")
    func userAdmin() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            try await browser.get("/admin/utilisateurs")
            let refused = try await browser.post("/admin/utilisateurs", form: ["email": "pas-une-adresse", "nom": "X", "role": "arsAnalyst", "perimetre": "", "mot_de_passe": "court"])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("Adresse électronique invalide") && html.contains("exige un périmètre") && html.contains("au moins 12 caractères"))
            let created = try await browser.post("/admin/utilisateurs", form: ["email": "ars@test.caqes.fr", "nom": "ARS", "role": "arsAnalyst", "perimetre": "32", "mot_de_passe": testPassword])
            #expect(created.status == .seeOther)
            var ars = Browser(app)
            #expect(try await ars.login("ars@test.caqes.fr").status == .seeOther)
            // An expert gets the body whose indicators they review; another role may not have one.
            let notExpert = try await browser.post("/admin/utilisateurs", form: ["email": "x@test.caqes.fr", "nom": "X", "role": "arsAnalyst", "perimetre": "32",
                                                                                  "mot_de_passe": testPassword, "organisme_expertise": "OMEDIT"])
            #expect(notExpert.status == .unprocessableEntity && notExpert.body.string.contains("indique que pour un expert"))
            let expert = try await browser.post("/admin/utilisateurs", form: ["email": "omedit@test.caqes.fr", "nom": "OMéDIT", "role": "expert", "perimetre": "32",
                                                                               "mot_de_passe": testPassword, "organisme_expertise": "OMEDIT"])
            #expect(expert.status == .seeOther)
            #expect(try await User.query(on: app.db).filter(\.$email == "omedit@test.caqes.fr").first()?.expertBody == "OMEDIT")
            #expect(try await browser.get("/admin/utilisateurs").body.string.contains("(OMéDIT)"))
        }
    }
}
