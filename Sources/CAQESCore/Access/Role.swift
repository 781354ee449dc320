/// What a user does on the platform (ARCHITECTURE §1). Stored as its raw value.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case admin
    case arsAnalyst
    case arsDirector
    case insurer
    case expert
    case establishment

    /// French label shown to users.
    public var label: String {
        switch self {
        case .admin: "Administrateur de la plateforme"
        case .arsAnalyst: "Chargé de mission ARS"
        case .arsDirector: "Direction ARS (DG ou délégué départemental)"
        case .insurer: "Assurance Maladie (CPAM)"
        case .expert: "Expert régional (OMEDIT, CPias, CRAtb…)"
        case .establishment: "Établissement de santé"
        }
    }

    /// The kind of scope a user of this role must have; nil for the unscoped administrator.
    public var requiredScopeKind: ScopeKind? {
        switch self {
        case .admin: nil
        case .arsAnalyst, .arsDirector, .expert: .region
        case .insurer: .department
        case .establishment: .holder
        }
    }
}

/// What a scope element names.
public enum ScopeKind: String, Sendable, Codable, CaseIterable, Hashable {
    case region
    case department
    case holder
}
