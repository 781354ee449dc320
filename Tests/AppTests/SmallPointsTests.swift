@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@Suite("Points de revue : en-têtes, CSV, cache, métriques, démonstration")
struct SmallPointsTests {
    @Test("error pages carry the security headers too, and signed-in pages are never cached")
    func headers() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "a@test.caqes.fr", .establishment, scope: ["590780193"])
            let missing = try await app.testing().sendRequest(.GET, "/nulle-part")
            #expect(missing.status == .notFound)
            #expect(missing.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(missing.headers.first(name: "X-Content-Type-Options") == "nosniff")
            var browser = Browser(app)
            try await browser.login("a@test.caqes.fr")
            let page = try await browser.get("/etablissements")
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let forbidden = try await browser.get("/admin/journal")
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(forbidden.headers.first(name: .cacheControl) == "no-store")
            let refusal = try await AuditEvent.query(on: app.db).filter(\.$action == "accès refusé").first()
            #expect(refusal?.target == "GET /admin/journal")
        }
    }

    @Test("the CSV guard neutralises formulas, also behind a leading TAB or CR", arguments: [
        ("=1+1", "'=1+1"), ("+33 1", "'+33 1"), ("-2", "-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=HYPERLINK(\"x\")", "\"'\t=HYPERLINK(\"\"x\"\")\""), ("\r=1", "\"'\r=1\""), ("CHU", "CHU"),
    ])
    func csvGuard(input: String, expected: String) {
        #expect(FrenchCSVWriter.escape(input) == expected)
    }

    @Test("/metrics answers loopback or the token, nobody else")
    func metricsAccess() async throws {
        try await withApp(["CAQES_METRICS_TOKEN": "secret-de-metriques"]) { (app: Application) async throws in
            #expect(try await app.testing().sendRequest(.GET, "/metrics").status == .notFound)
            var wrong = HTTPHeaders()
            wrong.bearerAuthorization = BearerAuthorization(token: "faux")
            #expect(try await app.testing().sendRequest(.GET, "/metrics", headers: wrong).status == .notFound)
            var right = HTTPHeaders()
            right.bearerAuthorization = BearerAuthorization(token: "secret-de-metriques")
            #expect(try await app.testing().sendRequest(.GET, "/metrics", headers: right).status == .ok)
        }
        try await withApp { (app: Application) async throws in
            func request(from address: String, forwardedFor: String? = nil) throws -> Request {
                let request = Request(application: app, method: .GET, url: URI(path: "/metrics"),
                                      remoteAddress: try SocketAddress(ipAddress: address, port: 40_000), on: app.eventLoopGroup.next())
                if let forwardedFor { request.headers.replaceOrAdd(name: .xForwardedFor, value: forwardedFor) }
                return request
            }
            #expect(HealthController.mayReadMetrics(try request(from: "127.0.0.1")))
            #expect(HealthController.mayReadMetrics(try request(from: "::1")))
            #expect(!HealthController.mayReadMetrics(try request(from: "192.0.2.10")))
        }
        // Behind a trusted proxy on loopback, a forwarded client is not a loopback client.
        try await withApp(["CAQES_TRUSTED_PROXIES": "127.0.0.1"]) { (app: Application) async throws in
            let request = Request(application: app, method: .GET, url: URI(path: "/metrics"),
                                  remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 40_000), on: app.eventLoopGroup.next())
            request.headers.replaceOrAdd(name: .xForwardedFor, value: "203.0.113.5")
            #expect(!HealthController.mayReadMetrics(request))
        }
    }

    @Test("the JSON API speaks French snake_case (D29): no camelCase key anywhere")
    func frenchSnakeCase() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            let user = try await createUser(app, "a@test.caqes.fr", .admin)
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: token)
            for path in ["/api/v1/establishments?par_page=2", "/api/v1/etablissements/590000105"] {
                let response = try await app.testing().sendRequest(.GET, path, headers: bearer)
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8))
                var keys: [String] = []
                func collect(_ value: Any) {
                    if let object = value as? [String: Any] { for (key, inner) in object { keys.append(key); collect(inner) } }
                    if let array = value as? [Any] { array.forEach(collect) }
                }
                collect(json)
                #expect(!keys.isEmpty)
                #expect(keys.allSatisfy { $0 == $0.lowercased() }, "\(keys.filter { $0 != $0.lowercased() })")
            }
            let list = try await app.testing().sendRequest(.GET, "/api/v1/establishments?par_page=2", headers: bearer).body.string
            #expect(list.contains("\"entite_juridique\"") && list.contains("\"titulaire\"") && list.contains("\"par_page\":2"))
        }
    }

    @Test("the demo refuses to add its public-password accounts to a database with real users")
    func demoRefusesRealDatabase() async throws {
        try await withApp { app in
            try await createUser(app, "vraie.personne@ars.sante.fr", .admin)
            let console = TestConsole()
            var context = CommandContext(console: console, input: CommandInput(arguments: ["caqes", "--no-serve"]))
            context.application = app
            await #expect(throws: CommandFailure.self) {
                try await DemoCommand().run(using: &context)
            }
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }
}

/// A console that prints nothing (commands under test).
final class TestConsole: Console, @unchecked Sendable {
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (120, 40) }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) {}
    func report(error: String, newLine: Bool) {}
    func clear(_ type: ConsoleClear) {}
}

@Suite("Verrouillage optimiste")
struct OptimisticLockingTests {
    @Test("two administrators acting on one account: the second is told, nothing is lost or applied twice")
    func concurrentToggle() async throws {
        try await withApp { app in
            try await createUser(app, "admin1@test.caqes.fr", .admin)
            try await createUser(app, "admin2@test.caqes.fr", .admin)
            let target = try await createUser(app, "cible@test.caqes.fr", .admin)
            var first = Browser(app), second = Browser(app)
            try await first.login("admin1@test.caqes.fr")
            try await second.login("admin2@test.caqes.fr")
            try await first.get("/admin/utilisateurs")
            try await second.get("/admin/utilisateurs")
            let path = SiteURL.userActivation(target.id!).path
            // Both saw version 1, active; both ask to deactivate.
            #expect(try await first.post(path, form: ["version": "1", "actif": "non"]).status == .seeOther)
            let late = try await second.post(path, form: ["version": "1", "actif": "non"])
            #expect(late.status == .conflict)
            #expect(late.body.string.contains("modifié par quelqu"))
            let stored = try #require(try await User.find(target.id, on: app.db))
            #expect(stored.isActive == false && stored.version == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "désactivation d'utilisateur").count() == 1)
        }
    }
}

@Suite("HTML written by the list page")
struct ListHTMLTests {
    @Test("A registry row and an option escape what they print: markup in a name stays text")
    func escaping() {
        #expect(HTMLText.escape(#"<script>alert("x") & 'y'</script>"#) == "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;")
        #expect(HTMLText.escape("CHR LILLE — Hôpital") == "CHR LILLE — Hôpital")
        let row = EstablishmentListRow(SiteListRow(finess: "590000105", name: "<img src=x onerror=alert(1)>", aggregate_label: "A&B",
                                                   legal_status: "public", holder_finess: "590780193", department_code: "59", city: "\"Lille\""))
        #expect(row.html.contains("&lt;img src=x onerror=alert(1)&gt;") && !row.html.contains("<img"))
        #expect(row.html.contains("<td>A&amp;B</td>") && row.html.contains("&quot;Lille&quot;"))
        #expect(row.html.hasPrefix("<tr><td class=\"caqes-nowrap\"><a href=\"/etablissements/590000105\">590000105</a></td>"))
        let options = SelectOption.html([SelectOption(value: "\"><x", label: "<b>", selected: true), SelectOption(value: "2", label: "deux", selected: false)])
        #expect(options == "<option value=\"&quot;&gt;&lt;x\" selected>&lt;b&gt;</option><option value=\"2\">deux</option>")
    }
}

@Suite("Shared list totals")
struct ListTotalCacheTests {
    @Test("A list's total is reused for 10 s at most, is dropped by a registry import, and the cache stays bounded")
    func countCache() async throws {
        let cache = ReferenceCache()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await cache.count(key: "a", now: start) { 5 } == 5)
        #expect(try await cache.count(key: "a", now: start.addingTimeInterval(9)) { 6 } == 5, "reused within 10 s")
        #expect(try await cache.count(key: "a", now: start.addingTimeInterval(10)) { 7 } == 7, "reloaded after 10 s")
        cache.invalidate()
        #expect(try await cache.count(key: "a", now: start.addingTimeInterval(11)) { 8 } == 8, "a registry import drops it")
        #expect(try await cache.count(key: "a", now: start.addingTimeInterval(5)) { 9 } == 9, "a clock set back does not reuse it")
        for i in 0..<(ReferenceCache.maxCounts + 10) { _ = try await cache.count(key: "k\(i)", now: start) { i } }
        #expect(try await cache.count(key: "k0", now: start) { -1 } == -1, "past the bound, the cache started again")
    }
}
