import Foundation

/// One contract holder of an evaluation campaign, with its contract's indicators for the year.
public struct CampaignHolder: Sendable, Hashable {
    public struct Indicator: Sendable, Hashable {
        public let code: String
        public let catalogue: String
        public let regional: Bool
        /// The contract's rate, below the cap (D3); nil takes the cap.
        public let rate: Decimal?

        public init(code: String, catalogue: String, regional: Bool, rate: Decimal? = nil) {
            self.code = code
            self.catalogue = catalogue
            self.regional = regional
            self.rate = rate
        }
    }

    public let subject: String
    public let name: String
    /// First year of the contract (EPA's reference period, `EvaluationYears.contractStart`).
    public let contractStartYear: Int?
    public let indicators: [Indicator]

    public init(subject: String, name: String, contractStartYear: Int?, indicators: [Indicator]) {
        self.subject = subject
        self.name = name
        self.contractStartYear = contractStartYear
        self.indicators = indicators
    }
}

/// One result line of a campaign: a holder's indicator, or its share of the FIR envelope.
public struct CampaignResultLine: Sendable, Equatable {
    public var holder: String
    public var holderName: String
    public var indicator: String
    public var label: String
    /// `national`, `informatif`, `regional`, `groupe`, `fir`.
    public var kind: String
    public var value: String
    public var target: String
    public var savings: Decimal?
    public var rate: Decimal?
    /// Rounded to the cent (D7); 0 for what is never paid (D8) or not evaluable.
    public var amount: Decimal
    /// `oui`, `non`, `non évaluable`, or empty when the line has no target.
    public var achieved: String
    public var explanation: String

    public init(holder: String, holderName: String, indicator: String, label: String, kind: String, value: String, target: String,
                savings: Decimal?, rate: Decimal?, amount: Decimal, achieved: String, explanation: String) {
        self.holder = holder
        self.holderName = holderName
        self.indicator = indicator
        self.label = label
        self.kind = kind
        self.value = value
        self.target = target
        self.savings = savings
        self.rate = rate
        self.amount = amount
        self.achieved = achieved
        self.explanation = explanation
    }
}

/// The results of a yearly evaluation campaign (DOMAIN B.5.2, B.6):
/// - the national incentive of each contract's paid indicators at the contract's rate, with the
///   informative indicators shown and never paid (D2, D3, D7, D8), as `NationalIncentive.run`;
/// - each regional target met or not (D11, D24), as `TargetAchievements.rows`;
/// - the FIR envelope shared among every holder of the campaign per D12 (`RegionalEnvelope`).
/// Lines follow the holders' order, then each catalogue's indicator order, the FIR share last.
public enum CampaignResults {
    /// The national lines of `contracts`, with their explanations (what costs most), computed
    /// over slices of the contracts, one per processor: each line depends on its own contract and
    /// on population statistics the measure set shares (safely) between threads, so the slices
    /// give the same lines, joined back in the contracts' order.
    static func nationalLines(_ catalogue: CatalogueVersion, year: Int, measures: MeasureSet, contracts: [ContractIncentiveTerms],
                              names: [String: String]) throws(IncentiveError) -> [CampaignResultLine] {
        @Sendable func lines(_ part: [ContractIncentiveTerms]) throws(IncentiveError) -> [CampaignResultLine] {
            try NationalIncentive.run(catalogue, year: year, measures: measures, contracts: part).map { line in
                let evaluable: Bool
                if case .notEvaluable = line.status { evaluable = false } else { evaluable = true }
                let informative = line.status == .informative
                return CampaignResultLine(
                    holder: line.subject, holderName: names[line.subject] ?? line.subject, indicator: line.indicatorCode,
                    label: line.indicatorLabel, kind: informative ? "informatif" : "national",
                    value: line.value.map { $0.frenchText() } ?? "", target: "",
                    savings: evaluable && !informative ? line.savings.map(Money.roundToCent) : nil,
                    rate: informative ? nil : line.rate, amount: evaluable && !informative ? line.amount : 0,
                    achieved: evaluable ? "" : "non évaluable", explanation: evaluable ? line.trace : line.status.description)
            }
        }
        let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, contracts.count / 250))
        guard slices > 1 else { return try lines(contracts) }
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var parts: [Int: Result<[CampaignResultLine], IncentiveError>] = [:]
        }
        let outcomes = Outcomes()
        let size = (contracts.count + slices - 1) / slices
        DispatchQueue.concurrentPerform(iterations: slices) { index in
            let part = Array(contracts[min(index * size, contracts.count)..<min((index + 1) * size, contracts.count)])
            let result = Result<[CampaignResultLine], IncentiveError> { () throws(IncentiveError) in try lines(part) }
            outcomes.lock.withLock { outcomes.parts[index] = result }
        }
        var all: [CampaignResultLine] = []
        for index in 0..<slices {
            switch outcomes.parts[index] {
            case .success(let part)?: all += part
            case .failure(let error)?: throw error
            case nil: break
            }
        }
        return all
    }

    public static func compute(year: Int, holders: [CampaignHolder], catalogues: [String: CatalogueVersion],
                               measures: [String: MeasureSet], envelope: Decimal?, sharing: EnvelopeSharing = .proportional)
        throws(IncentiveError) -> [CampaignResultLine] {
        var lines: [CampaignResultLine] = []
        var regionalCounts: [String: Int] = [:]
        let names = Dictionary(holders.map { ($0.subject, $0.name) }, uniquingKeysWith: { first, _ in first })
        let used = Set(holders.flatMap { $0.indicators.map(\.catalogue) })
        for catalogueID in used.sorted() {
            guard let catalogue = catalogues[catalogueID], (catalogue.validFrom...catalogue.validTo).contains(year),
                  let set = measures[catalogueID] else { continue }
            // National incentive: the contract's paid indicators, at the contract's rates.
            var terms: [ContractIncentiveTerms] = []
            for holder in holders {
                let paid = holder.indicators.filter { $0.catalogue == catalogueID && !$0.regional && catalogue.indicator($0.code)?.isPaidNationally == true }
                guard !paid.isEmpty else { continue }
                var rates: [String: Decimal] = [:]
                for indicator in paid { if let rate = indicator.rate { rates[indicator.code] = rate } }
                terms.append(ContractIncentiveTerms(subject: holder.subject,
                                                    startYear: EvaluationYears.contractStart(holder.contractStartYear, catalogue: catalogue),
                                                    indicators: paid.map(\.code), rates: rates))
            }
            if !terms.isEmpty {
                lines += try nationalLines(catalogue, year: year, measures: set, contracts: terms, names: names)
            }
            // Regional targets, limited to each contract's indicators.
            guard catalogue.indicators.contains(where: { $0.target != nil }) else { continue }
            var wanted: [String: [String]] = [:]
            for holder in holders {
                let codes = holder.indicators.filter { $0.catalogue == catalogueID && catalogue.indicator($0.code)?.target != nil }.map(\.code)
                if !codes.isEmpty { wanted[holder.subject] = codes }
            }
            guard !wanted.isEmpty else { continue }
            for row in try TargetAchievements.rows(catalogue: catalogue, year: year, measures: set, indicators: wanted) {
                let grouped = catalogue.envelopeGroups[row.indicator] != nil
                lines.append(CampaignResultLine(
                    holder: row.subject, holderName: names[row.subject] ?? row.subject, indicator: row.indicator,
                    label: catalogue.indicator(row.indicator)?.label ?? catalogue.envelopeGroups[row.indicator] ?? row.indicator,
                    kind: grouped ? "groupe" : "regional", value: row.value, target: row.target, savings: nil, rate: nil,
                    amount: 0, achieved: row.achieved.rawValue, explanation: row.explanation))
            }
            let results = try RegionalTargets.run(catalogue, year: year, measures: set, indicators: wanted)
            for (holder, count) in RegionalTargets.achievedCounts(results) { regionalCounts[holder, default: 0] += count }
        }
        // The FIR envelope (D12), among every holder of the campaign.
        if let envelope, envelope > 0 {
            let allocation = try RegionalEnvelope.share(envelope, among: holders.map { (subject: $0.subject, achieved: regionalCounts[$0.subject] ?? 0) },
                                                        sharing: sharing)
            for share in allocation.shares {
                lines.append(CampaignResultLine(
                    holder: share.subject, holderName: names[share.subject] ?? share.subject, indicator: "FIR",
                    label: "Intéressement régional (enveloppe FIR)", kind: "fir", value: "\(share.achievedIndicators)", target: "",
                    savings: nil, rate: nil, amount: share.amount, achieved: "", explanation: share.explanation.oneLine))
            }
        }
        let order = Dictionary(holders.enumerated().map { ($1.subject, $0) }, uniquingKeysWith: { first, _ in first })
        return lines.enumerated().sorted { a, b in
            let (x, y) = (order[a.element.holder] ?? 0, order[b.element.holder] ?? 0)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }
}

/// One establishment of a 2018-grid campaign: its sectors, its answers (nil until submitted),
/// last year's global % (for the waiver) and its AM products of year N-1 (the sanction's base).
public struct GridCampaignHolder: Sendable, Hashable {
    public let subject: String
    public let name: String
    public let sectors: Set<GridSector>
    public let answers: [String: GridAnswer]?
    public let previousPercentage: Decimal?
    public let insuranceProducts: Decimal

    public init(subject: String, name: String, sectors: Set<GridSector>, answers: [String: GridAnswer]?,
                previousPercentage: Decimal?, insuranceProducts: Decimal) {
        self.subject = subject
        self.name = name
        self.sectors = sectors
        self.answers = answers
        self.previousPercentage = previousPercentage
        self.insuranceProducts = insuranceProducts
    }
}

extension CampaignResults {
    /// A 2018-grid campaign (D13): per establishment, the global % against the regional target,
    /// then the sanction on the AM products of N-1 where it is due (or why it is not).
    public static func grid(_ grid: Grid, target: Decimal, holders: [GridCampaignHolder]) -> [CampaignResultLine] {
        let f = GridDecimal.french
        var lines: [CampaignResultLine] = []
        for holder in holders {
            guard let answers = holder.answers else {
                lines.append(CampaignResultLine(holder: holder.subject, holderName: holder.name, indicator: "GRILLE", label: grid.title,
                                                kind: "grille", value: "", target: "≥ \(f(target)) %", savings: nil, rate: nil, amount: 0,
                                                achieved: "non évaluable", explanation: "grille non soumise"))
                continue
            }
            let score: GridScore
            do { score = try GridScoring.score(grid: grid, sectors: holder.sectors, answers: answers) } catch {
                lines.append(CampaignResultLine(holder: holder.subject, holderName: holder.name, indicator: "GRILLE", label: grid.title,
                                                kind: "grille", value: "", target: "≥ \(f(target)) %", savings: nil, rate: nil, amount: 0,
                                                achieved: "non évaluable", explanation: error.description))
                continue
            }
            lines.append(CampaignResultLine(holder: holder.subject, holderName: holder.name, indicator: "GRILLE", label: grid.title,
                                            kind: "grille", value: "\(f(score.percentage)) %", target: "≥ \(f(target)) %", savings: nil, rate: nil,
                                            amount: 0, achieved: score.percentage >= target ? "oui" : "non", explanation: score.summary))
            let sanction = GridSanction.compute(globalPercentage: score.percentage, target: target, previousPercentage: holder.previousPercentage,
                                                insuranceProductsPreviousYear: holder.insuranceProducts, scale: grid.sanctionScale)
            lines.append(CampaignResultLine(holder: holder.subject, holderName: holder.name, indicator: "SANCTION",
                                            label: "Sanction pour objectif régional non atteint (D13)", kind: "sanction",
                                            value: sanction.outcome == .due ? "\(f(sanction.ratePercent)) %" : "", target: "", savings: nil,
                                            rate: nil, amount: sanction.amount, achieved: "", explanation: sanction.explanation))
        }
        return lines
    }
}
