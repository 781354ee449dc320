/// The families of pages and API routes, for the role × route access matrix.
public enum RouteFamily: String, Sendable, CaseIterable, Hashable {
    /// Establishments: list, detail, CSV export (scoped).
    case registry
    /// The JSON API for establishments (scoped, bearer token).
    case registryAPI
    /// Own account: password change, API tokens.
    case account
    /// User administration.
    case users
    /// The audit trail.
    case audit
    /// Imports of reference data (FINESS, legal status).
    case referenceImports
    /// Imports of measures (long or wide files, SAE, Hospi Diag, Open PHMEV) and the import history.
    case dataImports
    /// Targeting campaigns: runs, overrides, freeze (the ARS; the administrator reads).
    case campaigns
    /// Contracts, their acts and documents (scoped; every party of the procedure).
    case contracts
    /// The outbox of e-mails (administration).
    case outbox
    /// Yearly evaluation: campaigns, self-assessments, reviews, decisions, results, payments
    /// (every party of the procedure; the expert reviews the indicators of their body).
    case evaluation

    /// Whether a role may use this family at all (403 otherwise). Records inside a family are
    /// further limited by `AccessScope` (404 outside it).
    public func allows(_ role: Role) -> Bool {
        switch self {
        case .registry, .registryAPI, .account: true
        case .users, .audit, .referenceImports: role == .admin
        case .dataImports: role == .admin || role == .arsAnalyst
        case .campaigns: role == .admin || role == .arsAnalyst || role == .arsDirector
        case .contracts: role != .expert
        case .outbox: role == .admin
        case .evaluation: true
        }
    }
}
