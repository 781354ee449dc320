import Foundation

/// What an incentive line pays.
public enum IncentiveStatus: Sendable, Equatable, CustomStringConvertible {
    /// Savings × rate, possibly 0 when spending rose (D2).
    case paid
    /// Computed and shown, never paid (D8).
    case informative
    /// The data does not allow the computation: nothing is paid until it is completed.
    case notEvaluable(missing: [MissingValue], reasons: [String])

    /// `payé`, `informatif (jamais payé)`, `non évaluable — données manquantes : …`.
    public var description: String {
        switch self {
        case .paid: return "payé"
        case .informative: return "informatif (jamais payé)"
        case let .notEvaluable(missing, reasons):
            let parts = (missing.isEmpty ? [] : ["données manquantes : " + missing.map(\.description).joined(separator: ", ")]) + reasons
            return (["non évaluable"] + parts).joined(separator: " — ")
        }
    }
}

/// One establishment's national incentive on one indicator for one year, with its explanation.
public struct IncentiveLine: Sendable, Equatable {
    public let subject: String
    public let indicatorCode: String
    public let indicatorLabel: String
    /// The evaluated year `N` (savings compare N-1 with N).
    public let year: Int
    public let status: IncentiveStatus
    let valueProvider: @Sendable () -> FormulaValue?
    /// The indicator's value for `N` when it has one (always for informative indicators); for
    /// paid indicators it is computed on read, being shown, not used for the amount.
    public var value: FormulaValue? { valueProvider() }
    /// Savings after the floor at 0 (D2); nil when not evaluable or informative.
    public let savings: Decimal?
    /// The rate applied (the cap unless the contract set lower, D3).
    public let rate: Decimal?
    public let cap: Decimal?
    /// Rounded to the cent (D7); 0 unless `status == .paid`.
    public let amount: Decimal
    let explainer: @Sendable () -> (explanation: Explanation, trace: String)

    /// Savings formula with every input, the floor at 0, the rate and the rounded amount. Bulk
    /// runs build it on first read, from the same data.
    public var explanation: Explanation { explainer().explanation }
    /// One line for CSV exports and logs: `N1 2023 : max(0 ; …) × 30 % = 9 000,00 €`.
    public var trace: String { explainer().trace }

    public static func == (a: IncentiveLine, b: IncentiveLine) -> Bool {
        (a.subject, a.indicatorCode, a.indicatorLabel, a.year, a.status, a.value) == (b.subject, b.indicatorCode, b.indicatorLabel, b.year, b.status, b.value)
            && (a.savings, a.rate, a.cap, a.amount) == (b.savings, b.rate, b.cap, b.amount)
    }
}

/// What a contract says for the national incentive of one establishment.
public struct ContractIncentiveTerms: Sendable, Equatable {
    public let subject: String
    /// First year of the contract, for the catalogue's `REF` rule (EPA reference period).
    public let startYear: Int
    /// Codes of the paid indicators in the contract; their informative indicators come along.
    public let indicators: [String]
    /// Contract rates lower than the cap, by indicator code (D3).
    public let rates: [String: Decimal]

    public init(subject: String, startYear: Int, indicators: [String], rates: [String: Decimal] = [:]) {
        self.subject = subject
        self.startYear = startYear
        self.indicators = indicators
        self.rates = rates
    }
}

extension IncentiveLine {
    /// The same line with another explanation source (lazy explanations of bulk runs).
    func with(explainer: @escaping @Sendable () -> (explanation: Explanation, trace: String)) -> IncentiveLine {
        IncentiveLine(subject: subject, indicatorCode: indicatorCode, indicatorLabel: indicatorLabel, year: year,
                      status: status, valueProvider: valueProvider, savings: savings, rate: rate, cap: cap, amount: amount, explainer: explainer)
    }
}
