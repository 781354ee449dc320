import Foundation
import Yams

/// Walks the YAML tree of a grid, keeping line numbers for the errors.
struct GridYAMLReader {
    let file: String

    func fail(_ node: Node?, _ item: String, _ reason: String) -> GridLoadError {
        .invalid(file: file, line: node?.mark?.line, item: item, reason: reason)
    }

    func mapping(_ node: Node, _ item: String, allowed: Set<String>) throws(GridLoadError) -> Node.Mapping {
        guard let map = node.mapping else { throw fail(node, item, "une table clé: valeur est attendue") }
        for (key, _) in map {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                throw fail(key, item, "clé « \(name) » inconnue (attendu : \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        return map
    }

    func text(_ map: Node.Mapping, _ key: String, _ item: String, in node: Node) throws(GridLoadError) -> String {
        guard let value = map[key] else { throw fail(node, item, "« \(key) » manquant") }
        guard let text = value.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail(value, item, "« \(key) » doit être un texte non vide")
        }
        return text
    }

    func number(_ value: Node, _ key: String, _ item: String) throws(GridLoadError) -> Decimal {
        guard let raw = value.scalar?.string, let number = GridDecimal.parse(raw) else {
            throw fail(value, item, "« \(key) » : valeur « \(value.scalar?.string ?? "…") » invalide, nombre attendu")
        }
        return number
    }

    func grid(_ root: Node) throws(GridLoadError) -> Grid {
        let item = "grille"
        let map = try mapping(root, item, allowed: ["id", "title", "region", "partial_credit", "sanction",
                                                    "chapters", "source", "notes"])
        let id = try text(map, "id", item, in: root)
        let title = try text(map, "title", item, in: root)
        let region = map["region"]?.scalar?.string
        var partial = Decimal(string: "0.5")!
        if let node = map["partial_credit"] {
            partial = try number(node, "partial_credit", item)
            guard partial >= 0, partial <= 1 else { throw fail(node, item, "« partial_credit » doit être entre 0 et 1") }
        }
        let scale = try map["sanction"].map { node throws(GridLoadError) in try sanction(node) } ?? SanctionScale()
        guard let chaptersNode = map["chapters"], let list = chaptersNode.sequence, !list.isEmpty else {
            throw fail(map["chapters"] ?? root, item, "« chapters » doit être une liste non vide de chapitres")
        }
        var seenCriteria: [String: Int] = [:]
        var seenChapters: Set<String> = []
        var chapters: [GridChapter] = []
        for (index, node) in list.enumerated() {
            let chapter = try self.chapter(node, index: index + 1, seen: &seenCriteria)
            guard seenChapters.insert(chapter.id).inserted else {
                throw fail(node, "chapitre « \(chapter.id) »", "identifiant en double")
            }
            chapters.append(chapter)
        }
        do {
            return try Grid(id: id, title: title, region: region, partialCredit: partial,
                            chapters: chapters, sanctionScale: scale)
        } catch {
            throw fail(root, item, error.description)
        }
    }

    func sanction(_ node: Node) throws(GridLoadError) -> SanctionScale {
        let item = "barème de sanction"
        let map = try mapping(node, item, allowed: ["points_per_step", "rate_per_step_percent", "waiver_improvement_points"])
        let defaults = SanctionScale()
        let step = try map["points_per_step"].map { n throws(GridLoadError) in try number(n, "points_per_step", item) }
            ?? defaults.pointsPerStep
        let rate = try map["rate_per_step_percent"].map { n throws(GridLoadError) in try number(n, "rate_per_step_percent", item) }
            ?? defaults.ratePerStepPercent
        let waiver = try map["waiver_improvement_points"].map { n throws(GridLoadError) in try number(n, "waiver_improvement_points", item) }
            ?? defaults.waiverImprovementPoints
        guard step > 0 else { throw fail(node, item, "« points_per_step » doit être positif") }
        guard rate >= 0, waiver >= 0 else { throw fail(node, item, "les taux et points doivent être positifs ou nuls") }
        return SanctionScale(pointsPerStep: step, ratePerStepPercent: rate, waiverImprovementPoints: waiver)
    }

    func chapter(_ node: Node, index: Int, seen: inout [String: Int]) throws(GridLoadError) -> GridChapter {
        let map = try mapping(node, "chapitre n° \(index)", allowed: ["id", "title", "criteria", "notes"])
        let id = try text(map, "id", "chapitre n° \(index)", in: node)
        let item = "chapitre « \(id) »"
        let title = try text(map, "title", item, in: node)
        guard let list = map["criteria"]?.sequence, !list.isEmpty else {
            throw fail(map["criteria"] ?? node, item, "« criteria » doit être une liste non vide de critères")
        }
        var criteria: [GridCriterion] = []
        for (position, child) in list.enumerated() {
            let criterion = try self.criterion(child, chapter: id, position: position + 1)
            if let first = seen[criterion.id] {
                throw fail(child, "critère « \(criterion.id) »", "identifiant en double (déjà défini ligne \(first))")
            }
            seen[criterion.id] = child.mark?.line ?? 0
            criteria.append(criterion)
        }
        return GridChapter(id: id, title: title, criteria: criteria)
    }
}
