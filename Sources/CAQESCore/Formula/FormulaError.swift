/// Why a formula does not compile or cannot be evaluated; messages are French and say where.
public enum FormulaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `national-2022.yaml, ligne 42, colonne 17 : « ) » attendu, trouvé « , »`
    case syntax(SourceLocation, expected: String, found: String)
    /// An undeclared measure; `declared` lists the catalogue's measures for the message and is
    /// ignored by `==`.
    case unknownMeasure(SourceLocation, String, declared: [String] = [])
    case unknownFunction(SourceLocation, String)
    /// An undeclared bare name; `declared` lists parameters and named formulas (ignored by `==`).
    case unknownName(SourceLocation, String, declared: [String] = [])
    /// A type mismatch; the message says which operands.
    case type(SourceLocation, String)
    /// A function argument the function cannot take (wrong count, percentile outside 0–100 %…).
    case invalidArgument(SourceLocation, String)
    case divisionByZero(subject: String, SourceLocation)
    /// Every measure value the evaluation needed and did not find, sorted.
    case missingValues(subject: String, [MissingValue])
    /// A `REF` year was used but the catalogue has no reference year.
    case noReferenceYear(subject: String, SourceLocation)
    /// `by: category` for an establishment without a category.
    case missingCategory(subject: String, SourceLocation)
    /// A population statistic over a population where no member has a value.
    case emptyPopulation(subject: String, SourceLocation, String)

    public var description: String {
        fatalError("not yet")
    }
}
