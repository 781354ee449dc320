@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// No input may stop the server: every route, every query parameter, with extreme, negative,
/// non-numeric and overlong values, as each kind of user; the server answers every time.
@Suite("Entrées hostiles")
struct HostileInputTests {
    static let parameters = ["page", "par_page", "per_page", "tri", "q", "region", "departement", "statut", "categorie",
                             "titulaire", "ligne", "du", "au", "action", "acteur", "cible", "verifier", "suite", "expiree", "_csrf"]
    static let values = ["-1", "0", "999999999999999999", "9223372036854775807", "-9223372036854775808",
                         "99999999999999999999999999999", "1e309", "NaN", "abc", "%00", "%FF%FE", "' OR 1=1 --",
                         "../../etc/passwd", "-nom", "2026-02-31", String(repeating: "9", count: 4_000)]
    static let pathValues = ["0", "-1", "999999999999999999999", "00000000-0000-0000-0000-000000000000",
                             "not-a-uuid", "%2e%2e", String(repeating: "a", count: 2_000)]

    /// Every GET route of the application, with its parameters filled in turn.
    static func paths(_ app: Application) -> [String] {
        var paths: [String] = []
        for route in app.routes.all where route.method == .GET {
            let components = route.path
            guard !components.contains(where: { if case .catchall = $0 { true } else { false } }) else { continue }
            for value in pathValues.prefix(components.contains(where: { if case .parameter = $0 { true } else { false } }) ? pathValues.count : 1) {
                paths.append("/" + components.map { component -> String in
                    switch component {
                    case .constant(let text): text
                    case .parameter: value
                    default: "x"
                    }
                }.joined(separator: "/"))
            }
        }
        return paths
    }

    @Test("every GET route answers extreme query values without a 5xx, as admin, analyst, establishment and API")
    func everyRouteEveryParameter() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "admin@test.caqes.fr", .admin)
            try await createUser(app, "ars@test.caqes.fr", .arsAnalyst, scope: ["32"])
            try await createUser(app, "es@test.caqes.fr", .establishment, scope: ["590780193"])
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "ars@test.caqes.fr").first())
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: token)
            var browsers: [Browser] = []
            for email in ["admin@test.caqes.fr", "ars@test.caqes.fr", "es@test.caqes.fr"] {
                var browser = Browser(app)
                try await browser.login(email)
                browsers.append(browser)
            }
            var requests = 0
            for path in Self.paths(app) {
                for value in Self.values {
                    let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                    let query = Self.parameters.map { "\($0)=\(encoded)" }.joined(separator: "&")
                    for index in browsers.indices {
                        let response = try await browsers[index].get(path + "?" + query)
                        requests += 1
                        #expect(response.status.code < 500, "\(path)?…=\(value.prefix(30)) → \(response.status.code)")
                    }
                    let api = try await app.testing().sendRequest(.GET, path + "?" + query, headers: bearer)
                    requests += 1
                    #expect(api.status.code < 500, "API \(path)?…=\(value.prefix(30)) → \(api.status.code)")
                }
            }
            // One parameter at a time, for the numeric ones (a bad neighbour must not hide a crash).
            for path in ["/etablissements", "/admin/journal", "/api/v1/establishments", "/etablissements.csv"] {
                for name in ["page", "par_page", "ligne"] {
                    for value in Self.values {
                        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                        let response = path.hasPrefix("/api")
                            ? try await app.testing().sendRequest(.GET, "\(path)?\(name)=\(encoded)", headers: bearer)
                            : try await browsers[0].get("\(path)?\(name)=\(encoded)")
                        requests += 1
                        #expect(response.status.code < 500, "\(path)?\(name)=\(value.prefix(30)) → \(response.status.code)")
                    }
                }
            }
            #expect(requests > 1_000)
            #expect(try await app.testing().sendRequest(.GET, "/healthz").status == .ok)
            #expect(try await browsers[0].get("/etablissements").status == .ok)
        }
    }

    @Test("a page past the last shows the last page; a huge page number neither overflows nor traps")
    func pagesPastTheEnd() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let last = try await browser.get("/etablissements?page=100").body.string
            #expect(last.contains("Page 41 sur 41"))
            let huge = try await browser.get("/etablissements?page=999999999999999999")
            #expect(huge.status == .ok && huge.body.string.contains("Page 41 sur 41"))
            #expect(try await browser.get("/etablissements?page=abc").status == .badRequest)
            #expect(try await browser.get("/admin/journal?page=999999999999999999").status == .ok)
        }
    }

    @Test("form bodies are small: a 100 KiB form is refused with 413 before anything reads it")
    func smallBodies() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let big = try await browser.post("/compte/jetons", form: ["nom": String(repeating: "x", count: 100_000)])
            #expect(big.status == .payloadTooLarge)
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }

    @Test("an upload without its CSRF token is refused before its body is read, and stores no file")
    func uploadCSRFFirst() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            var (headers, body) = multipartBody(fields: [("type", "mesures")], file: "finess;mesure;annee;valeur\n")
            headers.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
            let response = try await app.testing().sendRequest(.POST, "/admin/imports", headers: headers, body: body)
            #expect(response.status == .forbidden)
            #expect(try await StoredFile.query(on: app.db).count() == 0)
            #expect(try await Job.query(on: app.db).count() == 0)
        }
    }
}
