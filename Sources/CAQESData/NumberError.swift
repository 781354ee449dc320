import CAQESCore

/// Why a cell is not a number. `description` names the value; `reason` alone fits a `RowProblem`.
public enum NumberError: Error, Equatable, Sendable, CustomStringConvertible {
    case notANumber(String)
    case severalDecimalSeparators(String)
    /// Digit groups that are not thousands (« 12 34 »).
    case badGrouping(String)
    case tooManyDigits(String)

    public var value: String {
        switch self {
        case .notANumber(let text), .severalDecimalSeparators(let text), .badGrouping(let text),
             .tooManyDigits(let text):
            text
        }
    }

    /// French reason without the value.
    public var reason: String {
        switch self {
        case .notANumber: "n'est pas un nombre"
        case .severalDecimalSeparators: "plusieurs séparateurs décimaux"
        case .badGrouping: "séparateur de milliers mal placé (les groupes doivent avoir 3 chiffres)"
        case .tooManyDigits: "trop de chiffres (38 au plus)"
        }
    }

    public var description: String { "valeur « \(value) » : \(reason)" }

    /// The same problem located in a file, for import reports.
    public func rowProblem(line: Int, column: String) -> RowProblem {
        RowProblem(line: line, column: column, value: value, reason: reason)
    }
}
