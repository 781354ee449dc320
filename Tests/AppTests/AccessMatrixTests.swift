@testable import App
import CAQESCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every role × every route family: allowed, or 403 (family forbidden), or 404 (record outside the scope).
@Suite("Matrice d'accès")
struct AccessMatrixTests {
    struct Account: Sendable, CustomStringConvertible {
        let role: Role
        let scope: [String]
        var email: String { "\(role.rawValue)@test.caqes.fr" }
        var description: String { role.rawValue }
    }

    static let accounts: [Account] = [
        Account(role: .admin, scope: []),
        Account(role: .arsAnalyst, scope: ["32"]),
        Account(role: .arsDirector, scope: ["32"]),
        Account(role: .insurer, scope: ["59"]),
        Account(role: .expert, scope: ["11"]),
        Account(role: .establishment, scope: ["590780193"]),
    ]

    /// CHRU Lille site (Nord, Hauts-de-France, holder = EJ 590780193), CH Abbeville (Somme, HDF),
    /// AGEPS AP-HP (Paris, Île-de-France).
    static let lille = "590000105", abbeville = "800000143", paris = "750000341"

    static let visible: [Role: Set<String>] = [
        .admin: [lille, abbeville, paris],
        .arsAnalyst: [lille, abbeville],
        .arsDirector: [lille, abbeville],
        .insurer: [lille],
        .expert: [paris],
        .establishment: [lille],
    ]

    @Test("each role reaches exactly its route families and its scope", arguments: accounts)
    func matrix(account: Account) async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            let user = try await createUser(app, account.email, account.role, scope: account.scope)
            var browser = Browser(app)
            let login = try await browser.login(account.email)
            #expect(login.status == .seeOther)

            let adminOnly = ["/admin/utilisateurs", "/admin/journal"]
            for path in adminOnly {
                let status = try await browser.get(path).status
                #expect(status == (account.role == .admin ? .ok : .forbidden), "\(path) for \(account.role)")
            }
            // Measures imports: administrators and ARS analysts.
            let importers: Set<Role> = [.admin, .arsAnalyst]
            #expect(try await browser.get("/admin/imports").status == (importers.contains(account.role) ? .ok : .forbidden))
            for path in ["/etablissements", "/etablissements.csv", "/compte/jetons", "/compte/mot-de-passe"] {
                #expect(try await browser.get(path).status == .ok, "\(path) for \(account.role)")
            }
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: token)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: bearer).status == .ok)

            for finess in [Self.lille, Self.abbeville, Self.paris] {
                let expected: HTTPStatus = Self.visible[account.role]!.contains(finess) ? .ok : .notFound
                #expect(try await browser.get("/etablissements/\(finess)").status == expected, "page \(finess) for \(account.role)")
                let api = try await app.testing().sendRequest(.GET, "/api/v1/establishments/\(finess)", headers: bearer)
                #expect(api.status == expected, "API \(finess) for \(account.role)")
            }
        }
    }

    @Test("import routes: every role × every route × an import of region 11 — 403 without the family, 404 out of scope", arguments: accounts)
    func importRoutes(account: Account) async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars11@test.caqes.fr", .arsAnalyst, scope: ["11"])
            try await createUser(app, account.email, account.role, scope: account.scope)
            // A preview of region 11 (AGEPS AP-HP, Paris), waiting for its author's confirmation.
            let owner = try await bearerHeaders(app, "ars11@test.caqes.fr")
            let (multipart, body) = multipartBody(fields: [("type", "mesures"), ("apercu", "oui")],
                                                  file: "finess;mesure;annee;valeur\n750000341;hf_stays;2023;42\n")
            var headers = owner
            for (name, value) in multipart { headers.replaceOrAdd(name: name, value: value) }
            let created = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: headers, body: body)
            let id = try created.content.decode(ImportAPIController.ImportDTO.self).id
            #expect(try await waitForJob(app, id).state == JobState.awaitingConfirmation.rawValue)

            let importers: Set<Role> = [.admin, .arsAnalyst]
            // Admins see every import; an analyst of 32 does not see this one; others lack the family.
            let seen: HTTPStatus = account.role == .admin ? .ok : (importers.contains(account.role) ? .notFound : .forbidden)
            var browser = Browser(app)
            try await browser.login(account.email)
            try await browser.get("/admin/imports")
            for path in [SiteURL.importRun(id).path, SiteURL.importRun(id).path + "?ligne=2", SiteURL.importErrors(id).path] {
                let expected: HTTPStatus = path.hasSuffix("erreurs.csv") && account.role == .admin ? .notFound : seen
                #expect(try await browser.get(path).status == expected, "\(path) for \(account.role)")
            }
            // Only the author confirms a preview or fills its mapping step; for others it does not exist.
            let notMine: HTTPStatus = importers.contains(account.role) ? .notFound : .forbidden
            #expect(try await browser.get(SiteURL.importMapping(id).path).status == notMine, "mapping for \(account.role)")
            #expect(try await browser.post(SiteURL.importConfirm(id).path, form: [:]).status == notMine, "confirm for \(account.role)")
            let api = try await app.testing().sendRequest(.GET, SiteURL.apiImport(id).path, headers: try await bearerHeaders(app, account.email))
            #expect(api.status == seen, "API for \(account.role)")
            #expect(try await Job.find(id, on: app.db)?.state == JobState.awaitingConfirmation.rawValue)
        }
    }

    @Test("an ARS user of region 32 sees nothing of region 11, in pages, export and API")
    func regionScope() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            let user = try await createUser(app, "ars32@test.caqes.fr", .arsAnalyst, scope: ["32"])
            var browser = Browser(app)
            try await browser.login("ars32@test.caqes.fr")
            let csv = try await browser.get("/etablissements.csv").body.string
            let lines = csv.split(separator: "\r\n").dropFirst()
            #expect(lines.count > 500)
            #expect(lines.allSatisfy { ["02", "59", "60", "62", "80"].contains(String($0.prefix(2))) })
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/establishments?region=11", headers: headers)
            let page = try response.content.decode(EstablishmentListDTO.self)
            #expect(page.total == 0)
        }
    }

    @Test("without a session, pages redirect to the login page and the API answers 401")
    func anonymous() async throws {
        try await withApp { app in
            for path in ["/etablissements", "/admin/journal", "/compte/jetons"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location)?.hasPrefix("/connexion") == true)
            }
            let api = try await app.testing().sendRequest(.GET, "/api/v1/establishments")
            #expect(api.status == .unauthorized)
            #expect(api.body.string.contains("Jeton d'API manquant"))
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: "caqes_faux")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/establishments", headers: headers).status == .unauthorized)
        }
    }

    @Test("the pure access rules: admin-only families and scopes")
    func pureRules() {
        for role in Role.allCases {
            #expect(RouteFamily.registry.allows(role))
            #expect(RouteFamily.users.allows(role) == (role == .admin))
        }
        #expect(AccessScope.of(role: .arsAnalyst, elements: []) == .none)
        #expect(AccessScope.of(role: .insurer, elements: [(.region, "32")]) == .none)
        #expect(AccessScope.of(role: .admin, elements: []) == .all)
        let scope = AccessScope.of(role: .establishment, elements: [(.holder, "590780193")])
        #expect(scope.allows(regionCode: "32", departmentCode: "59", holderFINESS: "590780193", legalEntityFINESS: "590780193"))
        #expect(!scope.allows(regionCode: "32", departmentCode: "59", holderFINESS: "590000022", legalEntityFINESS: "590000022"))
    }
}
