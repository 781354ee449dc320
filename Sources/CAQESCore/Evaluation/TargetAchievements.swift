import Foundation

/// Whether an establishment achieved an indicator's target, as the listings write it.
public enum Achievement: String, Sendable, Hashable, CaseIterable {
    case yes = "oui"
    case no = "non"
    case notEvaluable = "non évaluable"
}

/// One line of an evaluation listing, `finess;indicateur;valeur;cible;atteint;explication`: an
/// establishment's value on one indicator with a target, the target as displayed, whether it is
/// achieved, and why in one French sentence.
public struct AchievementRow: Sendable, Hashable {
    public let subject: String
    /// Indicator code (`HDF-BIO-TRA`), envelope group code (`HDF-BIO`) or grid criterion id (`10-2-02a`).
    public let indicator: String
    /// The value in French (`91,5 %`, `5,49`, `B`); empty when it could not be computed.
    public let value: String
    /// The target as displayed: `au moins 92 %`, `au plus 10 %`, `R si > 50 %, PR si ≥ 25 %, NR en dessous`.
    public let target: String
    public let achieved: Achievement
    /// One line: the comparison with its values, or what is missing.
    public let explanation: String

    public init(subject: String, indicator: String, value: String, target: String, achieved: Achievement, explanation: String) {
        self.subject = subject
        self.indicator = indicator
        self.value = value
        self.target = target
        self.achieved = achieved
        self.explanation = explanation
    }

    /// The CSV header, French snake_case like the other listings (D29).
    public static let header = ["finess", "indicateur", "valeur", "cible", "atteint", "explication"]

    /// The fields in `header` order.
    public var fields: [String] { [subject, indicator, value, target, achieved.rawValue, explanation] }
}

/// One establishment's answers on the 2018 grid, for `TargetAchievements.rows(grid:establishments:)`.
public struct GridEstablishment: Sendable, Hashable {
    public let subject: String
    public let sectors: Set<GridSector>
    /// By criterion id; a quantitative criterion takes a rate in % or NC.
    public let answers: [String: GridAnswer]

    public init(subject: String, sectors: Set<GridSector>, answers: [String: GridAnswer]) {
        self.subject = subject
        self.sectors = sectors
        self.answers = answers
    }
}

/// The achievement listing shared by `caqes evaluate --catalogue ID --year Y` and the evaluation
/// campaign: for every indicator that has a target, per establishment, its value, the target,
/// achieved or not (or not evaluable), and a one-line explanation.
///
/// Regional catalogues give their yearly targets (D10, D11), then one row per envelope group
/// counted once (D24); the 2018 grid gives its quantitative criteria that have thresholds (D13).
/// National catalogues have savings, not targets: the national incentive lists them.
public enum TargetAchievements {
    /// Every regional indicator with a target in `year`, for every member of the catalogue's
    /// region found in `measures`, in measure-set order, then catalogue order; each
    /// establishment's envelope groups follow its indicators.
    ///
    /// Throws when `year` is outside the catalogue's validity (D9) or the catalogue sets no target.
    /// `indicators` limits each establishment to its contract's codes (an evaluation campaign).
    public static func rows(catalogue: CatalogueVersion, year: Int, measures: MeasureSet,
                            indicators: [String: [String]]? = nil) throws(IncentiveError) -> [AchievementRow] {
        guard catalogue.indicators.contains(where: { $0.target != nil }) else { throw .noTargets(catalogue: catalogue.id) }
        let results = try RegionalTargets.run(catalogue, year: year, measures: measures, indicators: indicators)
        let groups = Dictionary(grouping: RegionalTargets.groups(results, catalogue: catalogue), by: \.subject)
        var rows: [AchievementRow] = []
        var done: Set<String> = []
        for (index, result) in results.enumerated() {
            if result.status != .noTarget { rows.append(row(result)) }
            let last = index + 1 == results.count || results[index + 1].subject != result.subject
            if last, done.insert(result.subject).inserted {
                rows += (groups[result.subject] ?? []).filter { $0.status != .noTarget }.map(row)
            }
        }
        return rows
    }

    /// Every quantitative criterion of `grid` that has thresholds and applies to the
    /// establishment's sectors, per establishment in the order given, then grid order. R is
    /// achieved; PR and NR are not (PR earns part of the points, said in the explanation).
    public static func rows(grid: Grid, establishments: [GridEstablishment]) -> [AchievementRow] {
        var rows: [AchievementRow] = []
        for establishment in establishments {
            for chapter in grid.chapters {
                for criterion in chapter.criteria {
                    guard case .quantitative(let thresholds?) = criterion.measure,
                          let maxPoints = criterion.maxPoints(for: establishment.sectors) else { continue }
                    rows.append(row(criterion, chapter: chapter.id, thresholds: thresholds, maxPoints: maxPoints,
                                    partialCredit: grid.partialCredit, for: establishment))
                }
            }
        }
        return rows
    }

    private static func row(_ result: RegionalTargetResult) -> AchievementRow {
        let asPercent = if case .number(let t)? = result.target { t > -1 && t < 1 } else { false }
        let target = result.target.map { "\(result.direction.label) \(RegionalTargets.render($0))" } ?? ""
        let achieved: Achievement
        var explanation = result.trace
        switch result.status {
        case .achieved: achieved = .yes
        case .notAchieved: achieved = .no
        case .notApplicable, .noTarget: achieved = .notEvaluable
        case let .notEvaluable(missing, reasons):
            achieved = .notEvaluable
            explanation = "\(result.indicatorCode) \(result.year) : " + notEvaluable(missing, reasons)
        }
        return AchievementRow(subject: result.subject, indicator: result.indicatorCode,
                              value: result.value.map { display($0, asPercent: asPercent) } ?? "",
                              target: target, achieved: achieved, explanation: explanation)
    }

    private static func row(_ group: RegionalGroupResult) -> AchievementRow {
        let achieved: Achievement
        var explanation = group.trace
        switch group.status {
        case .achieved: achieved = .yes
        case .notAchieved: achieved = .no
        case .notApplicable, .noTarget: achieved = .notEvaluable
        case let .notEvaluable(missing, reasons):
            achieved = .notEvaluable
            explanation += " — " + notEvaluable(missing, reasons)
        }
        return AchievementRow(subject: group.subject, indicator: group.code, value: "",
                              target: "chaque molécule utilisée atteint sa cible (compté une fois)",
                              achieved: achieved, explanation: explanation)
    }

    private static func row(_ criterion: GridCriterion, chapter: String, thresholds: QuantitativeThresholds,
                            maxPoints: Decimal, partialCredit: Decimal, for establishment: GridEstablishment) -> AchievementRow {
        let heading = criterion.number.map { "critère \($0) (\(criterion.id))" } ?? "critère \(criterion.id)"
        func make(_ value: String, _ achieved: Achievement, _ why: String) -> AchievementRow {
            AchievementRow(subject: establishment.subject, indicator: criterion.id, value: value,
                           target: thresholds.description, achieved: achieved, explanation: "\(heading) : \(why)")
        }
        guard let answer = establishment.answers[criterion.id] else {
            return make("", .notEvaluable, "non évaluable — taux non renseigné")
        }
        let value = if case .rate(let rate) = answer { "\(GridDecimal.french(rate)) %" } else { "" }
        do {
            let line = try GridScoring.line(criterion, chapter: chapter, answer: answer, maxPoints: maxPoints,
                                            partialCredit: partialCredit)
            let achieved: Achievement = switch line.status {
            case .realised: .yes
            case .partiallyRealised, .notRealised: .no
            case .notConcerned: .notEvaluable
            }
            return make(value, achieved, line.explanation)
        } catch {
            return make(value, .notEvaluable, "non évaluable — \(error.description)")
        }
    }

    /// `non évaluable — données manquantes : x (2023) ; reason`.
    private static func notEvaluable(_ missing: [MissingValue], _ reasons: [String]) -> String {
        let parts = (missing.isEmpty ? [] : ["données manquantes : " + missing.map(\.description).joined(separator: ", ")]) + reasons
        return (["non évaluable"] + parts).joined(separator: " — ")
    }

    /// Values read like their target: a ratio as a percentage; numbers to two decimals at most
    /// (display only: the comparison used every digit, D27).
    private static func display(_ value: FormulaValue, asPercent: Bool) -> String {
        guard case .number(let n) = value else { return RegionalTargets.render(value) }
        if asPercent { return FrenchNumberFormat.decimal(DecimalRounding.halfAwayFromZero(n * 100, places: 2)) + " %" }
        return FrenchNumberFormat.decimal(DecimalRounding.halfAwayFromZero(n, places: 2))
    }
}
