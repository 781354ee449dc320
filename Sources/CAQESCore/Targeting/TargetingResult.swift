/// The outcome of targeting one establishment on one indicator.
public enum TargetingOutcome: Sendable, Equatable, CustomStringConvertible {
    case targeted
    case notTargeted
    /// The data does not decide: `missing` names every missing measure value, `reasons` any other
    /// cause (division by zero, empty population…). Never read as "not targeted".
    case notEvaluable(missing: [MissingValue], reasons: [String])

    /// `ciblé`, `non ciblé`, `non évaluable`.
    public var label: String {
        switch self {
        case .targeted: "ciblé"
        case .notTargeted: "non ciblé"
        case .notEvaluable: "non évaluable"
        }
    }

    /// `non évaluable — données manquantes : hf_stays (2019), …`.
    public var description: String {
        guard case let .notEvaluable(missing, reasons) = self else { return label }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("données manquantes : " + missing.map(\.description).joined(separator: ", ")) }
        parts += reasons
        return parts.isEmpty ? label : "\(label) — \(parts.joined(separator: " ; "))"
    }
}

/// Whether one criterion holds for one establishment.
public enum CriterionOutcome: String, Sendable, Equatable, Codable {
    case met, notMet, notEvaluable

    /// `rempli`, `non rempli`, `non évaluable`.
    public var label: String {
        switch self {
        case .met: "rempli"
        case .notMet: "non rempli"
        case .notEvaluable: "non évaluable"
        }
    }
}

/// One criterion evaluated for one establishment: both sides, the comparison and its outcome.
public struct CriterionResult: Sendable, Equatable {
    public let label: String
    public let comparison: Comparison
    /// The establishment's value; nil when it could not be computed.
    public let value: FormulaValue?
    /// The threshold (constant or population statistic); nil when it could not be computed.
    public let threshold: FormulaValue?
    public let outcome: CriterionOutcome
    public let missing: [MissingValue]
    public let reasons: [String]
    let explainer: @Sendable () -> Explanation

    /// `value comparison threshold`, each side with its own explanation (quartiles name their
    /// population and count). Bulk runs compute it on first need, from the same data: reading it
    /// gives the same tree as an eager run.
    public var explanation: Explanation { explainer() }

    public static func == (a: CriterionResult, b: CriterionResult) -> Bool {
        (a.label, a.comparison, a.value, a.threshold, a.outcome) == (b.label, b.comparison, b.value, b.threshold, b.outcome)
            && (a.missing, a.reasons) == (b.missing, b.reasons)
    }
}

/// One establishment targeted (or not) on one indicator, with every criterion.
public struct TargetingDecision: Sendable, Equatable {
    public let subject: String
    public let indicatorCode: String
    public let indicatorLabel: String
    public let outcome: TargetingOutcome
    /// Every criterion in file order, evaluated even when an earlier one already decides.
    public let criteria: [CriterionResult]
    let explainer: @Sendable () -> Explanation

    /// The rule tree (all of / any of) with each node's outcome and every criterion's explanation.
    public var explanation: Explanation { explainer() }

    /// One line per decision for listings and CSV: `590780193 N7 ciblé : Séjours IC > Q1 national : 90 > 30 = rempli ; …`.
    public var summary: String {
        let details = explanation.children.first.map(criteriaLines) ?? []
        return "\(subject) \(indicatorCode) \(outcome) : " + details.joined(separator: " ; ")
    }

    private func criteriaLines(_ node: Explanation) -> [String] {
        if node.label == "tous les critères" || node.label == "au moins un des critères" {
            return node.children.flatMap(criteriaLines)
        }
        return ["\(node.label) : \(node.oneLine)"]
    }

    public static func == (a: TargetingDecision, b: TargetingDecision) -> Bool {
        (a.subject, a.indicatorCode, a.indicatorLabel, a.outcome, a.criteria)
            == (b.subject, b.indicatorCode, b.indicatorLabel, b.outcome, b.criteria)
    }
}

/// A targeting run: a catalogue applied to a reference year over a population.
public struct TargetingRun: Sendable {
    public let catalogueID: String
    public let catalogueVersion: Int
    public let referenceYear: Int
    /// Whose results are listed (the statistics always use the catalogue's scope, D6).
    public let population: CatalogueScope
    /// One decision per (establishment, targetable indicator), establishments in set order.
    public let decisions: [TargetingDecision]

    /// The decisions of one establishment.
    public func decisions(for subject: String) -> [TargetingDecision] {
        decisions.filter { $0.subject == subject }
    }

    /// The decision for one establishment and indicator.
    public func decision(for subject: String, indicator code: String) -> TargetingDecision? {
        decisions.first { $0.subject == subject && $0.indicatorCode == code }
    }

    /// The establishments targeted on at least one indicator, in set order.
    public var targetedSubjects: [String] {
        var seen: Set<String> = []
        return decisions.compactMap { $0.outcome == .targeted && seen.insert($0.subject).inserted ? $0.subject : nil }
    }
}

/// Why a targeting run cannot start.
public enum TargetingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A regional catalogue run on another region or on the whole country.
    case populationOutsideScope(catalogue: String, scope: CatalogueScope, requested: CatalogueScope)

    public var description: String {
        switch self {
        case let .populationOutsideScope(catalogue, scope, requested):
            "Le catalogue « \(catalogue) » (\(scope)) ne peut pas cibler la population « \(requested) »."
        }
    }
}
