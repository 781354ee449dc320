/// Derives who holds the contract for a site (D16): the EJ for public establishments, the ET
/// for private and ESPIC ones. A site whose status is unknown is its own holder until a status
/// list says otherwise.
public enum ContractHolderRule {
    /// The FINESS that signs for a site.
    public static func holder(site: FINESS, legalEntity: FINESS, status: LegalStatus?) -> FINESS {
        guard let status else { return site }
        switch status.holderLevel {
        case .legalEntity: return legalEntity
        case .site: return site
        }
    }
}
