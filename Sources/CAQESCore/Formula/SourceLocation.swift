/// Where a formula (or one of its tokens) sits in its catalogue file; lines and columns start at 1.
public struct SourceLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `national-2022.yaml, ligne 42, colonne 17`
    public var description: String {
        "\(file), ligne \(line), colonne \(column)"
    }
}
