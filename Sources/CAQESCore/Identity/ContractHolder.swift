/// Derives who holds the contract for a site (D16): the EJ for public establishments, the ET
/// for private and ESPIC ones. A site whose status no source knows is its own holder until a
/// status list says otherwise.
public enum ContractHolderRule {
    /// The FINESS that signs for a site.
    public static func holder(site: FINESS, legalEntity: FINESS, status: LegalStatus?) -> FINESS {
        guard let status else { return site }
        switch status.holderLevel {
        case .legalEntity: return legalEntity
        case .site: return site
        }
    }

    /// The same rule over stored FINESS numbers (a flagged row may carry a wrong key, D15).
    public static func holder(site: String, legalEntity: String, status: LegalStatus?) -> String {
        status?.holderLevel == .legalEntity ? legalEntity : site
    }
}

/// The status of a legal entity (EJ), for those of its sites that have none of their own.
///
/// The legal status belongs to the legal entity, but the status files (status list, SAE
/// bordereau ID) give it per site, and not for every site: of the 23 CHU de Lille sites, 12 are
/// absent from the SAE. Such a site takes its EJ's status, known from the EJ's other sites or
/// from FINESS's `codesph`.
public enum LegalEntityStatus: Equatable, Sendable {
    /// Every site of the EJ that has a status of its own has this one.
    case fromSites(LegalStatus, siteCount: Int)
    /// No site of the EJ has a status of its own; FINESS gives the EJ's.
    case fromFINESS(LegalStatus)
    /// The EJ's sites do not agree: no status is guessed.
    case conflicting([LegalStatus: Int])
    /// No source knows it.
    case unknown

    /// The status its sites without one take, if any.
    public var status: LegalStatus? {
        switch self {
        case .fromSites(let status, _), .fromFINESS(let status): status
        case .conflicting, .unknown: nil
        }
    }

    /// Decides an EJ's status. The sites' own statuses come first: the status files are the
    /// sources made for the legal status, while FINESS `codesph` only tells a participation in
    /// the public hospital service (and says public for 3 non-public sites of the 2021 extract).
    /// - Parameters:
    ///   - siteStatuses: the statuses the EJ's sites have of their own (one per site).
    ///   - finess: what FINESS says of the EJ (`LegalStatus.fromFINESSPublicService`).
    public static func decide(siteStatuses: [LegalStatus], finess: LegalStatus?) -> LegalEntityStatus {
        var counts: [LegalStatus: Int] = [:]
        for status in siteStatuses { counts[status, default: 0] += 1 }
        if counts.count > 1 { return .conflicting(counts) }
        if let (status, count) = counts.first { return .fromSites(status, siteCount: count) }
        if let finess { return .fromFINESS(finess) }
        return .unknown
    }
}

/// A site's status as the registry shows it, and the text that says where it came from.
public struct SiteStatus: Equatable, Sendable {
    public var status: LegalStatus?
    public var source: String?

    public init(status: LegalStatus?, source: String?) {
        self.status = status
        self.source = source
    }
}

/// Gives every site of a legal entity its status: its own when a status file gave one, its EJ's
/// otherwise (`LegalEntityStatus`), with a source text a user can check.
public enum SiteStatusDerivation {
    /// Every source text this derivation writes starts with one of these; a status whose source
    /// starts otherwise came from a status file and is the site's own.
    public static let inheritedPrefix = "statut de l'entité juridique"
    public static let unknownPrefix = "statut inconnu"

    /// True when `source` was written by this derivation (recomputed at each import), not by a
    /// status file.
    public static func isDerived(source: String?) -> Bool {
        guard let source else { return false }
        return source.hasPrefix(inheritedPrefix) || source.hasPrefix(unknownPrefix)
    }

    /// One site as stored: its status of its own, if any, and that status's source.
    public struct Site: Equatable, Sendable {
        public var finess: String
        public var ownStatus: LegalStatus?
        public var ownSource: String?

        public init(finess: String, ownStatus: LegalStatus?, ownSource: String?) {
            self.finess = finess
            self.ownStatus = ownStatus
            self.ownSource = ownSource
        }
    }

    /// The statuses of the sites of one EJ, by site FINESS.
    /// - Parameters:
    ///   - legalEntity: the EJ's FINESS.
    ///   - sites: the EJ's sites.
    ///   - finessStatus: what FINESS says of the EJ.
    ///   - finessSource: the FINESS extract, e.g. « FINESS, extraction du 08/01/2021 ».
    public static func statuses(legalEntity: String, sites: [Site], finessStatus: LegalStatus?,
                                finessSource: String?) -> [String: SiteStatus] {
        let own = sites.compactMap(\.ownStatus)
        let decision = LegalEntityStatus.decide(siteStatuses: own, finess: finessStatus)
        let inherited = SiteStatus(status: decision.status,
                                   source: sourceText(decision, legalEntity: legalEntity, sites: sites, finessSource: finessSource))
        var result: [String: SiteStatus] = [:]
        for site in sites {
            if let status = site.ownStatus {
                result[site.finess] = SiteStatus(status: status, source: site.ownSource)
            } else {
                result[site.finess] = inherited
            }
        }
        return result
    }

    /// What a site without a status of its own shows as its status's source; nil when no source
    /// knows it (the page then says so).
    public static func sourceText(_ decision: LegalEntityStatus, legalEntity: String, sites: [Site],
                                  finessSource: String?) -> String? {
        switch decision {
        case .fromSites(_, let count):
            let sources = Set(sites.filter { $0.ownStatus != nil }.compactMap(\.ownSource)).sorted()
            let basis = count == 1 ? "d'après l'un de ses établissements" : "d'après \(count) de ses établissements"
            return "\(inheritedPrefix) \(legalEntity), \(basis)" + (sources.isEmpty ? "" : " — " + sources.joined(separator: " ; "))
        case .fromFINESS(let status):
            let code = status == .publicHospital
                ? "codesph \(LegalStatus.finessPublicCode) : \(LegalStatus.finessPublicLabel)" : status.label
            var finess = "FINESS (\(code))"
            if let finessSource, finessSource.hasPrefix("FINESS") {
                finess += finessSource.dropFirst("FINESS".count)
            }
            return "\(inheritedPrefix) \(legalEntity) — \(finess)"
        case .conflicting(let counts):
            let detail = LegalStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status.label)" } }
                .joined(separator: ", ")
            return "\(unknownPrefix) : les établissements de l'entité juridique \(legalEntity) n'ont pas le même statut "
                + "(\(detail)) ; aucun n'est retenu pour les autres"
        case .unknown:
            return nil
        }
    }
}
