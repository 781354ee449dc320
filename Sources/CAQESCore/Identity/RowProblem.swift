/// One problem in one row of an input file, reported as
/// `ligne N, colonne C : valeur « … » — raison` (D22: French, says what and where).
public struct RowProblem: Error, Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// 1-based line number in the file (the header is line 1).
    public let line: Int
    /// Column name as it appears in the header (or its 1-based number when there is none).
    public let column: String
    public let value: String
    public let reason: String

    public init(line: Int, column: String, value: String, reason: String) {
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
    }

    /// Line 0 stands for a value summed over many lines (a claims file's establishment total);
    /// `Int.max` for the closing line of a capped list, which counts the problems not listed and
    /// is shown as its reason alone.
    public var description: String {
        line == .max ? reason : line == 0
            ? "colonne \(column) : valeur « \(value) » — \(reason) (toutes les lignes de cette valeur)"
            : "ligne \(line), colonne \(column) : valeur « \(value) » — \(reason)"
    }
}
