/// The records a user may see. Enforced by the repositories (ARCHITECTURE §1): a record outside
/// the scope does not exist for that user (404), whatever page or API asks for it.
public enum AccessScope: Sendable, Equatable, Hashable {
    /// Administrators see everything.
    case all
    /// ARS staff and experts: the establishments of these regions.
    case regions(Set<String>)
    /// Insurance funds: the establishments of these departments.
    case departments(Set<String>)
    /// Establishment staff: the sites of these contract holders.
    case holders(Set<String>)
    /// A user whose scope is empty or inconsistent sees nothing.
    case none

    /// Builds the scope of a user from its role and scope rows; a scoped role without rows of its
    /// kind gets `.none` rather than everything.
    public static func of(role: Role, elements: [(kind: ScopeKind, code: String)]) -> AccessScope {
        guard let kind = role.requiredScopeKind else { return .all }
        let codes = Set(elements.filter { $0.kind == kind }.map(\.code))
        if codes.isEmpty { return .none }
        switch kind {
        case .region: return .regions(codes)
        case .department: return .departments(codes)
        case .holder: return .holders(codes)
        }
    }

    /// Whether a site with these attributes is visible.
    public func allows(regionCode: String?, departmentCode: String, holderFINESS: String, legalEntityFINESS: String) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .regions(let codes): return regionCode.map(codes.contains) ?? false
        case .departments(let codes): return codes.contains(departmentCode)
        case .holders(let codes): return codes.contains(holderFINESS)
        }
    }
}

extension AccessScope {
    /// Whether the scope covers a record that spans these regions (an import, a campaign): all of
    /// them, and at least one. Only region scopes (and administrators) can cover regions.
    public func coversAll(regions: Set<String>) -> Bool {
        switch self {
        case .all: return true
        case .regions(let codes): return !regions.isEmpty && regions.isSubset(of: codes)
        case .departments, .holders, .none: return false
        }
    }
}
