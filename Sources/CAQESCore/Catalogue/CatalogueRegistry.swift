/// The catalogues loaded at start-up, looked up by id.
public struct CatalogueRegistry: Sendable {
    private let byID: [String: CatalogueVersion]
    /// In the order given.
    public let all: [CatalogueVersion]

    /// Builds the registry; two files with the same id are refused.
    public init(_ catalogues: [CatalogueVersion]) throws(CatalogueError) {
        var byID: [String: CatalogueVersion] = [:]
        for catalogue in catalogues {
            if let other = byID[catalogue.id] {
                throw .duplicateCatalogue(id: catalogue.id, files: [other.file, catalogue.file])
            }
            byID[catalogue.id] = catalogue
        }
        self.byID = byID
        self.all = catalogues
    }

    /// The catalogue with this id, nil if none.
    public subscript(id: String) -> CatalogueVersion? { byID[id] }

    /// The catalogue with this id; throws `.unknownCatalogue` listing the known ids.
    public func catalogue(id: String) throws(CatalogueError) -> CatalogueVersion {
        guard let catalogue = byID[id] else { throw .unknownCatalogue(id: id, known: byID.keys.sorted()) }
        return catalogue
    }

    /// The catalogues of `scope` that apply to contract year `year`.
    public func catalogues(for scope: CatalogueScope, in year: Int) -> [CatalogueVersion] {
        all.filter { $0.scope == scope && $0.isValid(in: year) }
    }
}
