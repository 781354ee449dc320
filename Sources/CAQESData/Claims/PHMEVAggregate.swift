import CAQESCore
import Foundation

/// What `PHMEVAggregator` made of one Open PHMEV file: per-prescriber measures for one year, the
/// counters of the import report and the row problems.
///
/// Every establishment (`etb_rgt`) met in the file with a valid FINESS is listed, with all eight
/// measures: a class it never prescribed is a true 0, since Open PHMEV lists all its rows. Amounts
/// are exact integer cents of REM (amount reimbursed), boxes are BOITES summed.
public struct PHMEVAggregate: Sendable, Equatable {
    /// The year the file covers (Open PHMEV has one file per year and no year column).
    public let year: Int
    public internal(set) var establishments: [FINESS: PHMEVEstablishmentTotals]
    public internal(set) var counters: PHMEVCounters
    /// The first problems by line (at most `PHMEVOptions.problemLimit`); `counters.problems` has
    /// the full count.
    public internal(set) var problems: [RowProblem]

    /// Cents (amounts) or boxes of one establishment, nil when it is not in the file.
    public func value(_ measure: PHMEVMeasure, for finess: FINESS) -> Int64? {
        establishments[finess]?[measure]
    }

    /// Sum over all establishments: cents or boxes.
    public func total(_ measure: PHMEVMeasure) -> Int64 {
        establishments.values.reduce(0) { $0 + $1[measure] }
    }

    /// One row per establishment and measure, sorted by FINESS then measure name, values in euros
    /// (amounts) or boxes, ready for `measure_values`.
    public var measureRows: [PHMEVMeasureRow] {
        let measures = PHMEVMeasure.allCases.sorted()
        return establishments.keys.sorted().flatMap { finess in
            let totals = establishments[finess]!
            return measures.map { measure in
                PHMEVMeasureRow(finess: finess, measure: measure, year: year,
                                value: Self.decimal(totals[measure], measure: measure),
                                leftOutRows: totals.leftOutRows(measure))
            }
        }
    }

    /// Cents to euros exactly (no binary floating point).
    static func decimal(_ value: Int64, measure: PHMEVMeasure) -> Decimal {
        guard measure.isAmount else { return Decimal(value) }
        return Decimal(sign: value < 0 ? .minus : .plus, exponent: -2, significand: Decimal(value.magnitude))
    }
}

/// One stored value: an establishment, a measure, a year.
public struct PHMEVMeasureRow: Sendable, Equatable, Hashable {
    public let finess: FINESS
    public let measure: PHMEVMeasure
    public let year: Int
    /// Euros (amounts, exact to the cent) or boxes.
    public let value: Decimal
    /// Rows of this establishment the value may miss: the measure's masked or invalid cells, plus
    /// rows whose masked ATC code could hide the class. 0 means the value is complete.
    public let leftOutRows: Int

    /// The catalogue's measure name, e.g. `phev_ipp_amount`.
    public var name: String { measure.rawValue }
}

/// One establishment's sums.
public struct PHMEVEstablishmentTotals: Sendable, Equatable {
    /// Per `PHMEVMeasure.index`: cents or boxes.
    var values: [Int64]
    /// Per measure index: masked or invalid cells left out.
    var leftOutCells: [Int32]
    /// Per class: rows counted.
    var classRows: [Int32]
    /// Per class: rows whose masked ATC code may hide the class.
    var undeterminedRows: [Int32]

    init() {
        values = Array(repeating: 0, count: PHMEVMeasure.allCases.count)
        leftOutCells = Array(repeating: 0, count: PHMEVMeasure.allCases.count)
        classRows = Array(repeating: 0, count: PHMEVClass.allCases.count)
        undeterminedRows = Array(repeating: 0, count: PHMEVClass.allCases.count)
    }

    /// Cents (amounts) or boxes.
    public subscript(measure: PHMEVMeasure) -> Int64 { values[measure.index] }

    /// Rows of the class summed.
    public func rows(_ drugClass: PHMEVClass) -> Int { Int(classRows[drugClass.rawValue]) }

    /// Rows with a masked ATC code that may belong to the class (not summed).
    public func undetermined(_ drugClass: PHMEVClass) -> Int { Int(undeterminedRows[drugClass.rawValue]) }

    /// Masked or invalid cells of the measure (not summed, never taken as 0).
    public func leftOutCells(_ measure: PHMEVMeasure) -> Int { Int(leftOutCells[measure.index]) }

    /// Rows the measure may miss: left-out cells plus undetermined rows of its class.
    public func leftOutRows(_ measure: PHMEVMeasure) -> Int {
        leftOutCells(measure) + undetermined(measure.drugClass)
    }

    mutating func add(_ other: PHMEVEstablishmentTotals) {
        for k in values.indices { values[k] += other.values[k]; leftOutCells[k] += other.leftOutCells[k] }
        for k in classRows.indices { classRows[k] += other.classRows[k]; undeterminedRows[k] += other.undeterminedRows[k] }
    }
}

/// How to aggregate.
public struct PHMEVOptions: Sendable, Equatable {
    /// D15: when true, rows whose FINESS has a wrong Luhn key are summed anyway and flagged
    /// (counted, and a problem each); by default they are left out.
    public var acceptBadKeys: Bool
    /// Problems kept in `PHMEVAggregate.problems` (memory stays bounded on a bad file).
    public var problemLimit: Int

    public init(acceptBadKeys: Bool = false, problemLimit: Int = 1_000) {
        self.acceptBadKeys = acceptBadKeys
        self.problemLimit = problemLimit
    }
}
