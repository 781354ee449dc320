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

    @Test("after login, only same-site paths are followed", arguments: [
        ("/etablissements?q=lille", "/etablissements?q=lille"), ("//evil.example", "/"), ("/\t/evil.example", "/"),
        ("/%09/evil.example", "/"), ("/\\evil.example", "/"), ("https://evil.example", "/"), ("/%5Cevil.example", "/"),
    ])
    func openRedirect(next: String, expected: String) async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.get("/connexion")
            let response = try await browser.post("/connexion", form: ["email": "a@test.caqes.fr", "mot_de_passe": testPassword, "suite": next])
            #expect(response.headers.first(name: .location) == expected)
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
            #expect(try await browser.get("/etablissements").status == .ok)
            app.clock.advance(by: 9 * 3600)
            let response = try await browser.get("/etablissements")
            #expect(response.status == .seeOther)
            let location = response.headers.first(name: .location) ?? ""
            #expect(location.contains("expiree=1"))
            #expect(try await browser.get(location).body.string.contains("Votre session a expiré"))
            #expect(try await UserSession.query(on: app.db).count() == 0)
        }
    }

    @Test("an anonymous visit stores no session; a login starts a new one, so a planted session id is worth nothing")
    func sessionFixation() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.get("/connexion")
            try await browser.get("/etablissements")
            #expect(try await UserSession.query(on: app.db).count() == 0)
            #expect(browser.jar["caqes_session"] == nil)
            // An attacker plants a session cookie of their choosing before the victim logs in.
            browser.jar["caqes_session"] = "session-choisie-par-l-attaquant"
            try await browser.login("a@test.caqes.fr")
            let issued = try #require(browser.jar["caqes_session"])
            #expect(issued != "session-choisie-par-l-attaquant")
            let stored = try await UserSession.query(on: app.db).all()
            #expect(stored.count == 1 && stored[0].id == TokenHasher.hash(issued))
            // Logging in again replaces the session rather than adding one.
            try await browser.get("/compte/jetons")
            try await browser.login("a@test.caqes.fr")
            #expect(try await UserSession.query(on: app.db).count() == 1)
            #expect(browser.jar["caqes_session"] != issued)
        }
    }

    @Test("a password change ends the other sessions and revokes the API tokens; a reset ends them all")
    func credentialChangeEndsSessions() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .arsAnalyst, scope: ["32"])
            var laptop = Browser(app), phone = Browser(app)
            try await laptop.login("a@test.caqes.fr")
            try await phone.login("a@test.caqes.fr")
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "a@test.caqes.fr").first())
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: token)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: bearer).status == .ok)
            try await laptop.get("/compte/mot-de-passe")
            let done = try await laptop.post("/compte/mot-de-passe", form: ["actuel": testPassword, "nouveau": "Nouveau-Mot-2026!", "confirmation": "Nouveau-Mot-2026!"])
            #expect(done.status == .seeOther)
            #expect(try await laptop.get("/etablissements").status == .ok)
            #expect(try await phone.get("/etablissements").status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: bearer).status == .unauthorized)
            try await UserService(db: app.db, app: app).resetPassword(email: "a@test.caqes.fr", to: "Encore-Autre-2026!", actor: .system)
            #expect(try await laptop.get("/etablissements").status == .seeOther)
            #expect(try await UserSession.query(on: app.db).count() == 0)
        }
    }

    @Test("the API refuses a session cookie: bearer tokens only")
    func apiRefusesCookies() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("a@test.caqes.fr")
            #expect(try await browser.get("/etablissements").status == .ok)
            #expect(try await browser.get("/api/v1/establishments").status == .unauthorized)
            let (headers, body) = multipartBody(fields: [("type", "mesures")], file: "finess;mesure;annee;valeur\n590780193;hf_stays;2023;1\n")
            var withCookie = headers
            withCookie.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
            withCookie.replaceOrAdd(name: "X-CSRF-Token", value: browser.csrf ?? "")
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: withCookie, body: body).status == .unauthorized)
            #expect(try await Job.query(on: app.db).count() == 0)
        }
    }

    @Test("failed logins are audited; an unknown account costs the time of a known one")
    func failedLoginsAndTiming() async throws {
        try await withApp(["CAQES_BCRYPT_COST": "8"]) { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            var browser = Browser(app)
            for _ in 0..<4 {
                _ = try await browser.login("a@test.caqes.fr", password: "Mauvais-Mot-2026!")
                _ = try await browser.login("personne@test.caqes.fr", password: "Mauvais-Mot-2026!")
            }
            // An unknown account runs bcrypt too, at the configured cost, on a hash made at start-up.
            #expect(app.caqesDummyPasswordHash.hasPrefix("$2b$08$"))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "a@test.caqes.fr").first())
            let clock = ContinuousClock()
            var known: [Duration] = [], unknown: [Duration] = []
            for _ in 0..<5 {
                known.append(clock.measure { _ = Passwords.verify("Mauvais-Mot-2026!", hash: user.passwordHash) })
                unknown.append(clock.measure { Passwords.burnTime("Mauvais-Mot-2026!", app: app) })
            }
            let medianKnown = known.sorted()[2], medianUnknown = unknown.sorted()[2]
            // Same cost, same work: an unknown account must not answer several times faster.
            #expect(medianUnknown * 3 > medianKnown, "known \(medianKnown), unknown \(medianUnknown)")
            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "échec de connexion").all()
            #expect(failures.count == 8)
            #expect(failures.contains { $0.target == "compte personne@test.caqes.fr" && $0.details == "compte inconnu" })
        }
    }

    @Test("the client address comes from X-Forwarded-For only behind a trusted proxy")
    func trustedProxies() throws {
        let trusted = try ProxyRange.parseList("10.0.0.0/8, 192.0.2.7")
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: trusted) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "192.0.2.7", forwardedFor: ["1.2.3.4"], trusted: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 1.2.3.4, 10.9.9.9"], trusted: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwardedFor: [], trusted: trusted) == "10.1.2.3")
        #expect(throws: SettingsError.self) { try ProxyRange.parseList("10.0.0.0/33") }
    }

    @Test("50 concurrent logins keep the audit chain whole (PostgreSQL serializes appends on the head)")
    func concurrentLogins() async throws {
        try await withApp { app in
            try await createUser(app, "a@test.caqes.fr", .admin)
            let before = try await AuditEvent.query(on: app.db).count()
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        var browser = Browser(app)
                        return try await browser.login("a@test.caqes.fr").status
                    }
                }
                for try await status in group { #expect(status == .seeOther) }
            }
            #expect(try await AuditEvent.query(on: app.db).count() == before + 50)
            #expect(try await AuditLog.verify(on: app.db).message.contains("intègre : \(before + 50)"))
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
