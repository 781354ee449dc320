import Foundation

/// Every link of the site, built in one place: templates never hand-write paths.
enum SiteURL: Sendable {
    case home
    case login(next: String?, expired: Bool)
    case logout
    case password
    case tokens
    case tokenRevoke(UUID)
    case establishments
    case establishment(String)
    case establishmentsCSV
    case users
    case user(UUID)
    case userActivation(UUID)
    case audit
    case imports
    case importRun(UUID)
    case importMapping(UUID)
    case importConfirm(UUID)
    case importErrors(UUID)
    /// The upload form's address carries its CSRF token: the token is checked before the body is read.
    case importUpload(csrf: String)
    case apiImport(UUID)
    case apiEstablishments
    case apiEstablishment(String)
    case openAPI
    case healthz
    case readyz
    case metrics

    var path: String {
        switch self {
        case .home: return "/"
        case .login(let next, let expired):
            var items: [URLQueryItem] = []
            if let next, next != "/", !AuthController.safeNext(next).isEmpty { items.append(.init(name: "suite", value: next)) }
            if expired { items.append(.init(name: "expiree", value: "1")) }
            return Self.with("/connexion", items)
        case .logout: return "/deconnexion"
        case .password: return "/compte/mot-de-passe"
        case .tokens: return "/compte/jetons"
        case .tokenRevoke(let id): return "/compte/jetons/\(id.uuidString.lowercased())/revoquer"
        case .establishments: return "/etablissements"
        case .establishment(let finess): return "/etablissements/\(finess)"
        case .establishmentsCSV: return "/etablissements.csv"
        case .users: return "/admin/utilisateurs"
        case .user(let id): return "/admin/utilisateurs/\(id.uuidString.lowercased())"
        case .userActivation(let id): return "/admin/utilisateurs/\(id.uuidString.lowercased())/activation"
        case .audit: return "/admin/journal"
        case .imports: return "/admin/imports"
        case .importRun(let id): return "/admin/imports/\(id.uuidString.lowercased())"
        case .importMapping(let id): return "/admin/imports/\(id.uuidString.lowercased())/correspondance"
        case .importConfirm(let id): return "/admin/imports/\(id.uuidString.lowercased())/confirmer"
        case .importErrors(let id): return "/admin/imports/\(id.uuidString.lowercased())/erreurs.csv"
        case .importUpload(let csrf): return Self.with("/admin/imports", [.init(name: "_csrf", value: csrf)])
        case .apiImport(let id): return "/api/v1/imports/\(id.uuidString.lowercased())"
        case .apiEstablishments: return "/api/v1/establishments"
        case .apiEstablishment(let finess): return "/api/v1/establishments/\(finess)"
        case .openAPI: return "/api/v1/openapi.yaml"
        case .healthz: return "/healthz"
        case .readyz: return "/readyz"
        case .metrics: return "/metrics"
        }
    }

    static func with(_ path: String, _ items: [URLQueryItem]) -> String {
        guard !items.isEmpty else { return path }
        var components = URLComponents()
        components.path = path
        components.queryItems = items
        return components.string ?? path
    }
}
