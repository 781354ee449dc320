import Foundation

/// Builds the rules' input: one `MeasureSet` whose subjects are contract holders, each once (D16).
///
/// The one builder behind every reader of measures (a measures file with its registry file, the
/// database, campaigns), so a holder gets the same values whichever way they arrive:
/// - a site that holds its own contract (private, ESPIC) keeps its own values;
/// - an EJ that holds the contract (public) keeps a value the source gave at EJ level; otherwise,
///   for a measure that adds up (`MeasureAggregation.sum`: counts and amounts), it gets the sum of
///   the values of its sites that have one, and the source says « somme de N établissements ».
///   A site with no value for that year is left out of the sum (an extract has no line for a site
///   without activity); a site whose value is masked makes the sum unknown (never read as zero).
///   A measure that does not add up (rates, grades) is not rolled up: the catalogue's formulas
///   recompute rates from summed numerators and denominators (D16, D23);
/// - a site whose holder is its EJ is never a subject of its own: a national population counts
///   each holder once, never an EJ next to its own ETs (D6).
///
/// A holder's category is its own (a site) or the most common category of its sites (an EJ, ties
/// to the smaller code); its region is its own, or the most common region of its sites when the
/// registry has none. A FINESS the registry does not know is its own holder, without category
/// or region.
public enum HolderMeasures {
    /// A value that did not reach the set, with the reason in French.
    public struct SetAside: Sendable, Equatable {
        public let value: SubjectValue
        /// The holder it would have counted for, if any.
        public let holder: String?
        public let reason: String
    }

    /// The set and what was left out of it.
    public struct Assembly: Sendable {
        public let set: MeasureSet
        /// Site values not rolled up, and EJ values of legal entities that hold no contract.
        public let setAside: [SetAside]
    }

    /// The holders' measure set, each measure rolled up as the catalogue declares it.
    public static func build(values: [SubjectValue], registry: [RegistryEntry], catalogue: CatalogueVersion) -> MeasureSet {
        assemble(values: values, registry: registry, catalogue: catalogue).set
    }

    /// `build`, with the values left out and why.
    public static func assemble(values: [SubjectValue], registry: [RegistryEntry], catalogue: CatalogueVersion) -> Assembly {
        var aggregation: [String: MeasureAggregation] = [:]
        for measure in catalogue.measures { aggregation[measure.code] = measure.aggregate }
        // A measure the catalogue does not declare cannot be read by its formulas: never summed.
        return assemble(values: values, registry: registry) { aggregation[$0] ?? .noRollUp }
    }

    /// `assemble` with the aggregation of each measure given by a function.
    public static func assemble(values: [SubjectValue], registry: [RegistryEntry],
                                aggregation: (String) -> MeasureAggregation) -> Assembly {
        let index = HolderIndex(registry)
        var own: [Key: SubjectValue] = [:]
        var contributions: [Key: [SubjectValue]] = [:]
        var setAside: [SetAside] = []
        for value in values {
            guard let holder = index.holder(of: value.subject) else {
                setAside.append(SetAside(value: value, holder: nil,
                                         reason: "l'EJ \(value.subject) n'est pas titulaire : ses établissements signent chacun leur contrat (D16)"))
                continue
            }
            let key = Key(holder: holder, measure: value.measure, year: value.year)
            if holder == value.subject {
                if own[key] == nil { own[key] = value }
            } else {
                contributions[key, default: []].append(value)
            }
        }
        let holders = Set(own.keys.map(\.holder)).union(contributions.keys.map(\.holder)).sorted()
        var set = MeasureSet()
        for holder in holders { set.add(index.member(holder)) }
        for (key, value) in own.sorted(by: { $0.key < $1.key }) {
            if let known = value.value { set.set(MeasureValue(known, source: value.source), measure: key.measure, year: key.year, for: key.holder) }
        }
        for (key, sites) in contributions.sorted(by: { $0.key < $1.key }) {
            let sites = sites.sorted { $0.subject < $1.subject }
            func leave(_ reason: String) {
                setAside += sites.map { SetAside(value: $0, holder: key.holder, reason: reason) }
            }
            if own[key] != nil {
                leave("valeur donnée au niveau du titulaire \(key.holder) : elle est retenue, celles de ses établissements ne sont pas additionnées")
                continue
            }
            guard aggregation(key.measure) == .sum else {
                leave("\(key.measure) ne s'additionne pas (taux, note) : \(key.holder) n'a que la valeur donnée à son niveau")
                continue
            }
            var total = Decimal(0)
            var unknown: [String] = []
            for site in sites {
                if case .number(let number)? = site.value { total += number } else { unknown.append(site.subject) }
            }
            guard unknown.isEmpty else {
                leave("somme de \(key.measure) (\(key.year)) inconnue pour \(key.holder) : valeur masquée ou non numérique pour "
                      + unknown.joined(separator: ", "))
                continue
            }
            set.set(total, measure: key.measure, year: key.year, for: key.holder, source: sumSource(sites))
        }
        return Assembly(set: set, setAside: setAside)
    }

    /// `somme de 2 établissements : 010000024 (mesures.csv, ligne 2) + 010000032 (mesures.csv, ligne 3)`.
    static func sumSource(_ sites: [SubjectValue]) -> String {
        let count = sites.count == 1 ? "1 établissement" : "\(sites.count) établissements"
        let parts = sites.map { site in site.source.map { "\(site.subject) (\($0))" } ?? site.subject }
        return "somme de \(count) : " + parts.joined(separator: " + ")
    }

    struct Key: Hashable, Comparable {
        let holder: String
        let measure: String
        let year: Int

        static func < (a: Key, b: Key) -> Bool {
            (a.holder, a.measure, a.year) < (b.holder, b.measure, b.year)
        }
    }
}

/// The registry seen from the holders: who holds each FINESS, and each holder's category and region.
struct HolderIndex {
    private var entries: [String: RegistryEntry] = [:]
    /// Sites by the holder they name, the holder itself excluded.
    private var sitesByHolder: [String: [RegistryEntry]] = [:]
    private var legalEntitiesWithSites: Set<String> = []

    init(_ registry: [RegistryEntry]) {
        for entry in registry {
            // A FINESS listed both ways is read as the site: only a site names its holder.
            if entry.kind == .legalEntity, entries[entry.finess]?.kind == .site { continue }
            entries[entry.finess] = entry
        }
        for entry in entries.values where entry.kind == .site {
            if let holder = entry.holder, holder != entry.finess { sitesByHolder[holder, default: []].append(entry) }
            if let legalEntity = entry.legalEntity { legalEntitiesWithSites.insert(legalEntity) }
        }
    }

    /// The holder a value of `subject` counts for; nil for an EJ whose sites hold their own contracts.
    func holder(of subject: String) -> String? {
        if let entry = entries[subject], entry.kind == .site { return entry.holder ?? subject }
        // An EJ, listed or only named by its sites.
        return sitesByHolder[subject] != nil || !legalEntitiesWithSites.contains(subject) ? subject : nil
    }

    func member(_ holder: String) -> MeasureSet.Member {
        let entry = entries[holder]
        let sites = sitesByHolder[holder] ?? []
        let siteCategory = Self.mostCommon(sites.compactMap(\.category))
        let category = entry?.kind == .site ? entry?.category ?? siteCategory : siteCategory ?? entry?.category
        let region = entry?.region ?? Self.mostCommon(sites.compactMap(\.region))
        return MeasureSet.Member(subject: holder, category: category, region: region)
    }

    /// The most frequent code; ties go to the smaller code.
    static func mostCommon(_ codes: [String]) -> String? {
        var counts: [String: Int] = [:]
        for code in codes { counts[code, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }
}
