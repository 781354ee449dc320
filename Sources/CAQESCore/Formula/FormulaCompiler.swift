/// Parses and type-checks formulas against the names a catalogue declares.
public enum FormulaCompiler {
    /// Compiles `text`, which starts at `location` in its catalogue file.
    ///
    /// Throws the first syntax error, unknown name or type mismatch, located at its line and column.
    public static func compile(
        _ text: String, at location: SourceLocation, scope: FormulaScope
    ) throws(FormulaError) -> CompiledFormula {
        let syntax = try FormulaParser.parse(text, at: location)
        let root = try FormulaTypeChecker(scope: scope, characters: Array(text)).check(syntax)
        return CompiledFormula(text: text, location: location, root: root)
    }
}
