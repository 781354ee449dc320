@testable import App
import CAQESCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Connexion, CSRF et jetons")
struct AuthTests {
    @Test("a form posted without the CSRF token is refused with a French message and changes nothing")
    func csrfRefused() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let refused = try await browser.post("/compte/jetons", form: ["nom": "sans jeton"], sendCSRF: false)
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("Jeton de sécurité (CSRF) manquant ou expiré"))
            #expect(try await APIToken.query(on: app.db).count() == 0)
            let wrong = try await browser.post("/compte/jetons", form: ["nom": "faux", "_csrf": "faux"], sendCSRF: false)
            #expect(wrong.status == .forbidden)
            try await browser.get("/compte/jetons")
            let accepted = try await browser.post("/compte/jetons", form: ["nom": "avec jeton"])
            #expect(accepted.status == .created)
            #expect(try await APIToken.query(on: app.db).count() == 1)
        }
    }

    @Test("login is refused for a while after 10 failures on one account, even with the right password")
    func throttling() async throws {
        try await withApp { app in
            try await createUser(app, "cible@test.caqes.fr", .admin)
            var browser = Browser(app)
            for _ in 0..<10 {
                let failed = try await browser.login("cible@test.caqes.fr", password: "mauvais-mot-de-passe")
                #expect(failed.status == .unauthorized)
                #expect(failed.body.string.contains("Adresse électronique ou mot de passe incorrect"))
            }
            let blocked = try await browser.login("cible@test.caqes.fr")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.string.contains("Réessayez après"))
            // Failures older than 15 minutes no longer count.
            for attempt in try await LoginAttempt.query(on: app.db).all() {
                attempt.attemptedAt = attempt.attemptedAt.addingTimeInterval(-16 * 60)
                try await attempt.save(on: app.db)
            }
            #expect(try await browser.login("cible@test.caqes.fr").status == .seeOther)
        }
    }

    @Test("a wrong password, an empty form, and a successful login with logout")
    func loginFlow() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            let empty = try await browser.post("/connexion", form: ["email": "", "mot_de_passe": ""])
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("Renseignez votre adresse électronique"))
            let ok = try await browser.login("a@test.caqes.fr")
            #expect(ok.headers.first(name: .location) == "/")
            #expect(try await browser.get("/admin/utilisateurs").status == .ok)
            try await browser.post("/deconnexion", form: [:])
            #expect(try await browser.get("/admin/utilisateurs").status == .seeOther)
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.contains("connexion") && actions.contains("déconnexion"))
        }
    }

    @Test("a session idle for more than 8 hours expires and the login page says so")
    func expiredSession() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("a@test.caqes.fr")
            for record in try await SessionRecord.query(on: app.db).all() {
                var data = record.data
                if data["seen"] != nil { data["seen"] = String(Date().timeIntervalSince1970 - 9 * 3600) }
                record.data = data
                try await record.save(on: app.db)
            }
            let response = try await browser.get("/etablissements")
            #expect(response.status == .seeOther)
            let location = response.headers.first(name: .location) ?? ""
            #expect(location.contains("expiree=1"))
            #expect(try await browser.get(location).body.string.contains("Votre session a expiré"))
        }
    }

    @Test("password change checks the current password and the rules")
    func passwordChange() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .insurer, scope: ["59"])
            var browser = Browser(app)
            try await browser.login("a@test.caqes.fr")
            try await browser.get("/compte/mot-de-passe")
            let short = try await browser.post("/compte/mot-de-passe", form: ["actuel": testPassword, "nouveau": "court", "confirmation": "court"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("au moins 12 caractères"))
            let done = try await browser.post("/compte/mot-de-passe", form: ["actuel": testPassword, "nouveau": "Nouveau-Mot-2026!", "confirmation": "Nouveau-Mot-2026!"])
            #expect(done.status == .seeOther)
            var other = Browser(app)
            #expect(try await other.login("a@test.caqes.fr", password: "Nouveau-Mot-2026!").status == .seeOther)
        }
    }

    @Test("an API token is shown once, stored hashed, and stops working once revoked")
    func apiTokenLifecycle() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "a@test.caqes.fr", .arsAnalyst, scope: ["32"])
            var browser = Browser(app)
            try await browser.login("a@test.caqes.fr")
            try await browser.get("/compte/jetons")
            let created = try await browser.post("/compte/jetons", form: ["nom": "script"])
            let html = created.body.string
            let token = try #require(html.range(of: "caqes_").map { String(html[$0.lowerBound...].prefix(46)) })
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash == TokenHasher.hash(token))
            #expect(stored.tokenHash != token)
            #expect(!(try await browser.get("/compte/jetons").body.string.contains(token)))
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: headers).status == .ok)
            try await browser.post("/compte/jetons/\(stored.id!.uuidString.lowercased())/revoquer", form: [:])
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: headers).status == .unauthorized)
        }
    }
}
