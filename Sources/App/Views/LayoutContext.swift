import CAQESCore
import Vapor

/// What every page's layout needs: the signed-in user, navigation by role, breadcrumbs, the
/// CSRF token for forms, and whether the DSFR is installed.
struct LayoutContext: Encodable {
    struct NavItem: Encodable { let label: String; let href: String; let current: Bool }
    struct Crumb: Encodable { let label: String; let href: String? }
    struct Account: Encodable { let name: String; let role: String }

    let title: String
    let platformName: String
    let account: Account?
    let nav: [NavItem]
    let breadcrumbs: [Crumb]
    let csrf: String
    let dsfr: Bool
    let flash: String?
    let logoutHref: String
    let passwordHref: String
    let tokensHref: String
    let loginHref: String
    let homeHref: String
    let importsHref: String
    let usersHref: String
    let auditHref: String
    let attribution: String

    init(request: Request, title: String, principal: Principal? = nil, breadcrumbs: [(String, SiteURL?)] = []) {
        self.title = title
        self.platformName = "CAQES"
        let user = request.auth.get(User.self)
        let role = principal?.role ?? user?.roleValue
        self.account = user.map { Account(name: $0.displayName, role: ($0.roleValue).label) }
        let path = request.url.path
        self.nav = role.map { Self.navigation(for: $0, currentPath: path) } ?? []
        var crumbs = [Crumb(label: "Accueil", href: breadcrumbs.isEmpty ? nil : SiteURL.home.path)]
        crumbs += breadcrumbs.map { Crumb(label: $0.0, href: $0.1?.path) }
        self.breadcrumbs = crumbs.count > 1 ? crumbs : []
        // Pages carry a browser session; error pages of the API and operations routes do not.
        self.csrf = CSRFMiddleware.token(for: request)
        self.dsfr = request.application.dsfrInstalled
        self.flash = request.webSession?.takeFlash()
        self.logoutHref = SiteURL.logout.path
        self.passwordHref = SiteURL.password.path
        self.tokensHref = SiteURL.tokens.path
        self.loginHref = SiteURL.login(next: nil, expired: false).path
        self.homeHref = SiteURL.home.path
        self.importsHref = SiteURL.imports.path
        self.usersHref = SiteURL.users.path
        self.auditHref = SiteURL.audit.path
        self.attribution = DataAttribution.footer
    }

    static func navigation(for role: Role, currentPath: String) -> [NavItem] {
        var items: [(String, SiteURL, RouteFamily)] = [
            ("Mes échéances", .deadlines, .contracts),
            ("Contrats", .contracts, .contracts),
            ("Campagnes", .campaigns, .campaigns),
            ("Évaluation", .evaluation, .evaluation),
            ("Établissements", .establishments, .registry),
            ("Imports", .imports, .dataImports),
            ("Utilisateurs", .users, .users),
            ("Journal d'audit", .audit, .audit),
            ("Courriels", .outbox, .outbox),
            ("Jetons d'API", .tokens, .account),
        ]
        items = items.filter { $0.2.allows(role) }
        return items.map { label, url, _ in
            NavItem(label: label, href: url.path, current: currentPath.hasPrefix(url.path))
        }
    }
}

/// Data sources shown in the page footer and README (Licence Ouverte 2.0 requires attribution).
enum DataAttribution {
    static let footer = "Sources : FINESS, extraction du 08/01/2021, DREES / ANS ; statuts juridiques : DREES, SAE 2022 ; mesures de démonstration : DREES, SAE 2022–2023 ; ATIH, Hospi Diag 2022 ; Assurance Maladie, Open PHMEV 2024 ; départements et régions : INSEE, COG 2024. Licence Ouverte / Open Licence Etalab 2.0."
}

extension Application {
    private struct DSFRKey: StorageKey { typealias Value = Bool }

    /// Whether the DSFR is installed, checked once at start-up (not on every page).
    var dsfrInstalled: Bool {
        get { storage[DSFRKey.self] ?? DSFRAssets.isInstalled(publicDirectory: directory.publicDirectory) }
        set { storage[DSFRKey.self] = newValue }
    }
}

enum DSFRAssets {
    static func isInstalled(publicDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: publicDirectory + "dsfr/dsfr.min.css")
    }
}

/// The error page.
struct ErrorPage: Encodable {
    let layout: LayoutContext
    let status: Int
    let title: String
    let message: String
}
