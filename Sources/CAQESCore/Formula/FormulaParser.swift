import Foundation

/// Recursive-descent parser. Precedence, loosest first: `or`, `and`, `not`, comparisons
/// (not chained), `+ -`, `* /`, unary `-`.
struct FormulaParser {
    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    static func parse(_ text: String, at location: SourceLocation) throws(FormulaError) -> SyntaxNode {
        var parser = FormulaParser(tokens: try FormulaLexer.tokenize(text, at: location))
        let node = try parser.expression()
        let next = parser.peek
        if next.kind != .end {
            // `0,6` is the usual slip of a French author: say so rather than only "unexpected comma".
            let expected = next.isSymbol(",")
                ? "la fin de la formule (décimales avec un point : 0.6, pas 0,6)"
                : "la fin de la formule ou un opérateur"
            throw .syntax(next.location, expected: expected, found: next.quoted)
        }
        return node
    }

    private var peek: Token { tokens[position] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if token.kind != .end { position += 1 }
        return token
    }

    private mutating func expect(_ symbol: String) throws(FormulaError) -> Token {
        guard peek.isSymbol(symbol) else {
            throw .syntax(peek.location, expected: "« \(symbol) »", found: peek.quoted)
        }
        return advance()
    }

    private var lastEnd: Int { tokens[max(0, position - 1)].end }

    private mutating func binaryLevel(
        _ operand: (inout FormulaParser) throws(FormulaError) -> SyntaxNode,
        _ operators: [String: BinaryOperator]
    ) throws(FormulaError) -> SyntaxNode {
        var left = try operand(&self)
        while true {
            let op: BinaryOperator? = switch peek.kind {
            case .symbol(let s), .identifier(let s): operators[s]
            default: nil
            }
            guard let op else { return left }
            let opToken = advance()
            let right = try operand(&self)
            left = SyntaxNode(syntax: .binary(op, left, right), location: opToken.location,
                              start: left.start, end: right.end)
        }
    }

    /// Bounds recursion so a pathological formula is an error, not a stack overflow.
    private mutating func nest() throws(FormulaError) {
        depth += 1
        guard depth < 200 else {
            throw .syntax(peek.location, expected: "une formule moins imbriquée", found: peek.quoted)
        }
    }

    mutating func expression() throws(FormulaError) -> SyntaxNode {
        try nest()
        defer { depth -= 1 }
        return try binaryLevel({ p throws(FormulaError) in try p.conjunction() }, ["or": .or])
    }

    private mutating func conjunction() throws(FormulaError) -> SyntaxNode {
        try binaryLevel({ p throws(FormulaError) in try p.negation() }, ["and": .and])
    }

    private mutating func negation() throws(FormulaError) -> SyntaxNode {
        guard peek.isKeyword("not") else { return try comparison() }
        try nest()
        defer { depth -= 1 }
        let token = advance()
        let operand = try negation()
        return SyntaxNode(syntax: .not(operand), location: token.location, start: token.start, end: operand.end)
    }

    private static let comparisons: [String: BinaryOperator] = [
        "=": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
    ]

    private mutating func comparison() throws(FormulaError) -> SyntaxNode {
        let left = try additive()
        guard case .symbol(let s) = peek.kind, let op = Self.comparisons[s] else { return left }
        let opToken = advance()
        let right = try additive()
        if case .symbol(let s) = peek.kind, Self.comparisons[s] != nil {
            throw .syntax(peek.location, expected: "« and » ou « or » entre deux comparaisons", found: peek.quoted)
        }
        return SyntaxNode(syntax: .binary(op, left, right), location: opToken.location, start: left.start, end: right.end)
    }

    private mutating func additive() throws(FormulaError) -> SyntaxNode {
        try binaryLevel({ p throws(FormulaError) in try p.multiplicative() }, ["+": .add, "-": .subtract])
    }

    private mutating func multiplicative() throws(FormulaError) -> SyntaxNode {
        try binaryLevel({ p throws(FormulaError) in try p.unary() }, ["*": .multiply, "/": .divide])
    }

    private mutating func unary() throws(FormulaError) -> SyntaxNode {
        guard peek.isSymbol("-") else { return try primary() }
        try nest()
        defer { depth -= 1 }
        let token = advance()
        let operand = try unary()
        return SyntaxNode(syntax: .negate(operand), location: token.location, start: token.start, end: operand.end)
    }

    private mutating func primary() throws(FormulaError) -> SyntaxNode {
        let token = peek
        func node(_ syntax: Syntax) -> SyntaxNode {
            SyntaxNode(syntax: syntax, location: token.location, start: token.start, end: lastEnd)
        }
        switch token.kind {
        case .number(let value, let percent):
            _ = advance()
            return node(.number(value, percent: percent))
        case .grade(let grade):
            _ = advance()
            return node(.grade(grade))
        case .identifier("true"), .identifier("false"):
            _ = advance()
            return node(.boolean(token.text == "true"))
        case .identifier(let name) where !["and", "or", "not"].contains(name):
            _ = advance()
            if peek.isSymbol("(") {
                _ = advance()
                let arguments = try argumentList()
                return node(.call(name, arguments))
            }
            if peek.isSymbol("[") {
                _ = advance()
                let year = try yearIndex()
                _ = try expect("]")
                return node(.indexed(name, year))
            }
            return node(.name(name))
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            _ = try expect(")")
            return node(.parenthesized(inner))
        default:
            throw .syntax(token.location, expected: "une valeur (nombre, note, mesure, nom, fonction ou « ( »)",
                          found: token.quoted)
        }
    }

    /// `N`, `N-1`, `REF`, `REF+1`.
    private mutating func yearIndex() throws(FormulaError) -> YearRef {
        let base = advance()
        guard base.isKeyword("N") || base.isKeyword("REF") else {
            throw .syntax(base.location, expected: "« N » ou « REF » (année de la mesure)", found: base.quoted)
        }
        var offset = 0
        if peek.isSymbol("+") || peek.isSymbol("-") {
            let sign = advance()
            let amount = advance()
            guard case .number(let value, percent: false) = amount.kind,
                  let years = Int(exactly: NSDecimalNumber(decimal: value).doubleValue), Decimal(years) == value
            else {
                throw .syntax(amount.location, expected: "un nombre entier d'années", found: amount.quoted)
            }
            offset = sign.isSymbol("-") ? -years : years
        }
        return base.isKeyword("N") ? .n(offset: offset) : .ref(offset: offset)
    }

    private mutating func argumentList() throws(FormulaError) -> [SyntaxArgument] {
        var arguments: [SyntaxArgument] = []
        if peek.isSymbol(")") {
            _ = advance()
            return arguments
        }
        while true {
            let here = peek.location
            if case .identifier(let label) = peek.kind, tokens[position + 1].isSymbol(":") {
                position += 2
                arguments.append(SyntaxArgument(label: label, value: try primary(), location: here))
            } else {
                arguments.append(SyntaxArgument(label: nil, value: try expression(), location: here))
            }
            let separator = advance()
            if separator.isSymbol(")") { return arguments }
            guard separator.isSymbol(",") else {
                throw .syntax(separator.location, expected: "« , » ou « ) »", found: separator.quoted)
            }
        }
    }
}
