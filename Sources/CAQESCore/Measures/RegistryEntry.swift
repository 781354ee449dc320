/// Where one FINESS stands in the registry, for building contract holders' measures (D16).
///
/// A site (ET) names its legal entity (EJ) and its contract holder: the EJ for a public
/// establishment, the site itself for a private or ESPIC one. A legal entity names neither: it is
/// a holder when one of its sites says so, or when the registry lists none of its sites.
public struct RegistryEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Établissement géographique (ET).
        case site
        /// Entité juridique (EJ).
        case legalEntity
    }

    public let finess: String
    public let kind: Kind
    /// The EJ of a site, when known; nil for a legal entity.
    public let legalEntity: String?
    /// The contract holder of a site; nil for a legal entity. A site without one holds itself.
    public let holder: String?
    /// FINESS category (e.g. `355`), for `by: category` statistics.
    public let category: String?
    /// INSEE region code, for regional populations.
    public let region: String?

    /// A site (ET); `holder` nil means the site is its own holder.
    public static func site(_ finess: String, legalEntity: String? = nil, holder: String? = nil,
                            category: String? = nil, region: String? = nil) -> RegistryEntry {
        RegistryEntry(finess: finess, kind: .site, legalEntity: legalEntity, holder: holder, category: category, region: region)
    }

    /// A legal entity (EJ).
    public static func legalEntity(_ finess: String, category: String? = nil, region: String? = nil) -> RegistryEntry {
        RegistryEntry(finess: finess, kind: .legalEntity, legalEntity: nil, holder: nil, category: category, region: region)
    }

    public init(finess: String, kind: Kind, legalEntity: String?, holder: String?, category: String?, region: String?) {
        self.finess = finess
        self.kind = kind
        self.legalEntity = legalEntity
        self.holder = holder
        self.category = category
        self.region = region
    }
}
