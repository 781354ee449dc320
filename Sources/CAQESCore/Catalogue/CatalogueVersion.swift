import Foundation

/// Where a catalogue applies: the whole country, or one region (INSEE code, e.g. `32`).
///
/// The scope is also the population of the catalogue's statistics (D6): quartiles of a national
/// indicator are national, those of a regional indicator are regional.
public enum CatalogueScope: Sendable, Hashable, Codable, CustomStringConvertible {
    case national
    case region(String)

    /// `national`, `région 32`.
    public var description: String {
        switch self {
        case .national: "national"
        case .region(let code): "région \(code)"
        }
    }
}

/// How the catalogue's `REF` year is found: a fixed year (IDF day-case surgery: 2023), or a number
/// of years before the first year of the contract (EPA "période de référence", OP-2).
public enum ReferenceYearRule: Sendable, Hashable, Codable, CustomStringConvertible {
    case fixed(Int)
    case beforeContractStart(years: Int)

    /// The `REF` year for a contract starting in `contractStartYear`; nil when the rule needs a
    /// contract start and none is given.
    public func resolve(contractStartYear: Int?) -> Int? {
        switch self {
        case .fixed(let year): year
        case .beforeContractStart(let years): contractStartYear.map { $0 - years }
        }
    }

    /// As written in the catalogue: `2023`, `contract_start - 1`.
    public var description: String {
        switch self {
        case .fixed(let year): "\(year)"
        case .beforeContractStart(let years): "contract_start - \(years)"
        }
    }
}

/// One loaded, validated catalogue file: measures, parameters, named formulas and indicators,
/// every formula compiled. Immutable; share it freely.
public struct CatalogueVersion: Sendable {
    /// Stable id used by contracts and runs, e.g. `national-2022`.
    public let id: String
    /// Edition of the file; bump it on any change that alters a result.
    public let version: Int
    /// Title shown to users.
    public let label: String
    /// First and last contract years the catalogue applies to (inclusive).
    public let validFrom: Int
    public let validTo: Int
    public let scope: CatalogueScope
    /// The file name it was loaded from, as cited in error messages.
    public let file: String
    /// The `REF` year rule, nil when no formula uses `REF`.
    public let referenceYear: ReferenceYearRule?
    public let measures: [MeasureDefinition]
    public let parameters: [String: FormulaValue]
    /// Named formulas, usable bare in every indicator formula.
    public let formulas: [String: CompiledFormula]
    /// Indicators in file order.
    public let indicators: [IndicatorDefinition]
    /// The scope every formula of this catalogue was compiled against.
    public let formulaScope: FormulaScope
    /// Envelope groups by code, with their French label: the indicators of a group count as one
    /// regional indicator in the FIR envelope share (D24).
    public let envelopeGroups: [String: String]

    public init(
        id: String, version: Int, label: String, validFrom: Int, validTo: Int, scope: CatalogueScope,
        file: String, referenceYear: ReferenceYearRule?, measures: [MeasureDefinition],
        parameters: [String: FormulaValue], formulas: [String: CompiledFormula],
        indicators: [IndicatorDefinition], formulaScope: FormulaScope, envelopeGroups: [String: String] = [:]
    ) {
        self.id = id
        self.version = version
        self.label = label
        self.validFrom = validFrom
        self.validTo = validTo
        self.scope = scope
        self.file = file
        self.referenceYear = referenceYear
        self.measures = measures
        self.parameters = parameters
        self.formulas = formulas
        self.indicators = indicators
        self.formulaScope = formulaScope
        self.envelopeGroups = envelopeGroups
    }

    /// The indicator with this code, nil if the catalogue has none.
    public func indicator(_ code: String) -> IndicatorDefinition? {
        indicators.first { $0.code == code }
    }

    /// The declared measure with this code.
    public func measure(_ code: String) -> MeasureDefinition? {
        measures.first { $0.code == code }
    }

    /// The share of the AM products of the last closed year that refusing to sign costs (CSS D162-15,
    /// D14): the `refusal_sanction_rate` parameter, checked at load time to lie within 0–100 %; nil
    /// when the catalogue has none (regional catalogues).
    public var refusalSanctionRate: Decimal? {
        if case .number(let rate)? = parameters[CatalogueLoader.refusalSanctionRateParameter] { return rate }
        return nil
    }

    /// Whether the catalogue applies to contract year `year`.
    public func isValid(in year: Int) -> Bool {
        (validFrom...validTo).contains(year)
    }
}
