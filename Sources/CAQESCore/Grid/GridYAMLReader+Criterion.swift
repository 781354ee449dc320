import Foundation
import Yams

extension GridYAMLReader {
    func criterion(_ node: Node, chapter: String, position: Int) throws(GridLoadError) -> GridCriterion {
        let anonymous = "critère n° \(position) du chapitre « \(chapter) »"
        let map = try mapping(node, anonymous, allowed: ["id", "number", "label", "kind", "points", "sectors",
                                                         "thresholds", "source", "notes"])
        let id = try text(map, "id", anonymous, in: node)
        let item = "critère « \(id) »"
        let label = try text(map, "label", item, in: node)
        var number: Int?
        if let value = map["number"] {
            guard let n = value.scalar?.string, let parsed = Int(n), parsed > 0 else {
                throw fail(value, item, "« number » doit être un entier positif")
            }
            number = parsed
        }
        let kind = map["kind"]?.scalar?.string ?? "qualitative"
        let measure: GridCriterion.Measure
        switch kind {
        case "qualitative":
            if let extra = map["thresholds"] { throw fail(extra, item, "un critère qualitatif n'a pas de seuils") }
            measure = .qualitative
        case "quantitative":
            measure = .quantitative(try map["thresholds"].map { n throws(GridLoadError) in try thresholds(n, item) })
        default:
            throw fail(map["kind"], item, "« kind » vaut « \(kind) » : qualitative ou quantitative attendu")
        }
        return GridCriterion(id: id, number: number, label: label,
                             points: try points(map, item, in: node), measure: measure)
    }

    func thresholds(_ node: Node, _ item: String) throws(GridLoadError) -> QuantitativeThresholds {
        let map = try mapping(node, item, allowed: ["realised_from", "realised_above", "partial_from"])
        if map["realised_from"] != nil, let both = map["realised_above"] {
            throw fail(both, item, "« realised_from » (R à partir de, inclus) ou « realised_above » (R au-dessus de, strict) : l'un ou l'autre")
        }
        let strict = map["realised_above"] != nil
        guard let realisedNode = map["realised_from"] ?? map["realised_above"], let partialNode = map["partial_from"] else {
            throw fail(node, item, "seuils incomplets : « realised_from » (ou « realised_above ») et « partial_from » attendus (en %)")
        }
        let realised = try number(realisedNode, strict ? "realised_above" : "realised_from", item)
        let partial = try number(partialNode, "partial_from", item)
        do {
            return strict
                ? try QuantitativeThresholds(realisedAbove: realised, partialFrom: partial)
                : try QuantitativeThresholds(realisedFrom: realised, partialFrom: partial)
        } catch {
            throw fail(node, item, error.description)
        }
    }

    func points(_ map: Node.Mapping, _ item: String, in node: Node) throws(GridLoadError) -> [GridSector: Decimal] {
        guard let pointsNode = map["points"] else { throw fail(node, item, "« points » manquant") }
        var result: [GridSector: Decimal] = [:]
        if let perSector = pointsNode.mapping {
            if let extra = map["sectors"] {
                throw fail(extra, item, "« sectors » est inutile quand « points » donne les points par secteur")
            }
            for (key, value) in perSector {
                let name = key.string ?? ""
                guard let sector = GridSector.parse(name) else {
                    throw fail(key, item, "secteur « \(name) » inconnu (MCO, HAD, Dialyse, SSR ou PSY attendu)")
                }
                result[sector] = try positive(value, item)
            }
            guard !result.isEmpty else { throw fail(pointsNode, item, "« points » ne donne aucun secteur") }
            return result
        }
        let value = try positive(pointsNode, item)
        var sectors = Set(GridSector.allCases)
        if let sectorsNode = map["sectors"] {
            guard let list = sectorsNode.sequence, !list.isEmpty else {
                throw fail(sectorsNode, item, "« sectors » doit être une liste non vide")
            }
            sectors = []
            for entry in list {
                let name = entry.string ?? ""
                guard let sector = GridSector.parse(name) else {
                    throw fail(entry, item, "secteur « \(name) » inconnu (MCO, HAD, Dialyse, SSR ou PSY attendu)")
                }
                sectors.insert(sector)
            }
        }
        for sector in sectors { result[sector] = value }
        return result
    }

    private func positive(_ node: Node, _ item: String) throws(GridLoadError) -> Decimal {
        let value = try number(node, "points", item)
        guard value > 0 else { throw fail(node, item, "« points » doit être strictement positif") }
        return value
    }
}
