import Foundation

/// Resolves names against the scope and checks types, turning the parse tree into `FormulaNode`s.
struct FormulaTypeChecker {
    /// Statistic arguments already checked in this formula, by text: `q1(stays[N])` and
    /// `q2(stays[N])` then share one node, hence one cached sample of the population.
    final class Interned {
        var nodes: [String: FormulaNode] = [:]
    }

    let scope: FormulaScope
    let characters: [Character]
    let interned = Interned()

    private func text(_ node: SyntaxNode) -> String {
        String(characters[node.start..<node.end])
    }

    func check(_ node: SyntaxNode, parenthesized: Bool = false) throws(FormulaError) -> FormulaNode {
        func make(_ kind: FormulaNode.Kind, _ type: FormulaType) -> FormulaNode {
            FormulaNode(kind, type: type, text: text(node), location: node.location, parenthesized: parenthesized)
        }
        switch node.syntax {
        case .number(let value, let percent):
            return make(.literal(.number(value), percent: percent), .number)
        case .boolean(let value):
            return make(.literal(.boolean(value), percent: false), .boolean)
        case .grade(let grade):
            return make(.literal(.grade(grade), percent: false), .grade)
        case .parenthesized(let inner):
            return try check(inner, parenthesized: true)
        case .name(let name):
            if let value = scope.parameters[name] {
                return make(.parameter(name, value, percent: scope.percentParameters.contains(name)), value.type)
            }
            if let formula = scope.formulas[name] {
                return make(.formula(name, formula, nil), formula.resultType)
            }
            if scope.measures[name] != nil {
                throw .invalid(node.location, "la mesure « \(name) » doit préciser son année : \(name)[N], \(name)[N-1] ou \(name)[REF]")
            }
            throw .unknownName(node.location, name,
                               declared: Array(scope.parameters.keys) + Array(scope.formulas.keys))
        case .indexed(let name, let year):
            if let type = scope.measures[name] {
                return make(.measure(MeasureRef(code: name, yearOffset: year)), type)
            }
            if let formula = scope.formulas[name] {
                return make(.formula(name, formula, year), formula.resultType)
            }
            if scope.parameters[name] != nil {
                throw .invalid(node.location, "le paramètre « \(name) » est une constante, sans année : écrire \(name)")
            }
            throw .unknownMeasure(node.location, name, declared: Array(scope.measures.keys))
        case .negate(let operand):
            let checked = try check(operand)
            guard checked.type == .number else {
                throw .type(node.location, "« - » attend un nombre, trouvé \(checked.type.french)")
            }
            return make(.negate(checked), .number)
        case .not(let operand):
            let checked = try check(operand)
            guard checked.type == .boolean else {
                throw .type(node.location, "« not » attend un booléen (vrai/faux), trouvé \(checked.type.french)")
            }
            return make(.not(checked), .boolean)
        case .binary(let op, let l, let r):
            let left = try check(l), right = try check(r)
            return make(.binary(op, left, right), try Self.binaryType(op, left.type, right.type, at: node.location))
        case .call(let name, let arguments):
            guard let function = FormulaFunction(rawValue: name) else {
                throw .unknownFunction(node.location, name)
            }
            return try checkCall(function, arguments, node: node, parenthesized: parenthesized)
        }
    }

    static func binaryType(
        _ op: BinaryOperator, _ left: FormulaType, _ right: FormulaType, at location: SourceLocation
    ) throws(FormulaError) -> FormulaType {
        switch op {
        case .add, .subtract, .multiply, .divide:
            guard left == .number, right == .number else {
                let verb = [BinaryOperator.add: "additionner", .subtract: "soustraire",
                            .multiply: "multiplier", .divide: "diviser"][op]!
                throw .type(location, "on ne peut pas \(verb) \(left.french) et \(right.french)")
            }
            return .number
        case .equal, .notEqual:
            guard left == right else {
                throw .type(location, "on ne peut pas comparer \(left.french) et \(right.french)")
            }
            return .boolean
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard left == right, left != .boolean else {
                throw .type(location, left == right
                    ? "on ne peut pas ordonner des booléens (vrai/faux)"
                    : "on ne peut pas comparer \(left.french) et \(right.french)")
            }
            return .boolean
        case .and, .or:
            guard left == .boolean, right == .boolean else {
                throw .type(location, "« \(op.rawValue) » attend deux booléens (vrai/faux), trouvé \(left.french) et \(right.french)")
            }
            return .boolean
        }
    }
}

extension FormulaType {
    /// With its article, for messages: `une note ('A'…'D')`.
    var french: String {
        switch self {
        case .number: "un nombre"
        case .boolean: "un booléen (vrai/faux)"
        case .grade: "une note ('A'…'D')"
        }
    }
}
