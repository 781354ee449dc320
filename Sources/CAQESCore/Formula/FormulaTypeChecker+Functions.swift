import Foundation

extension FormulaTypeChecker {
    /// Checks a call's arity, argument types and `by: category`; returns its node.
    func checkCall(
        _ function: FormulaFunction, _ arguments: [SyntaxArgument], node: SyntaxNode, parenthesized: Bool
    ) throws(FormulaError) -> FormulaNode {
        let name = function.rawValue
        var byCategory = false
        var positional: [SyntaxArgument] = []
        for argument in arguments {
            guard let label = argument.label else {
                positional.append(argument)
                continue
            }
            guard label == "by", function.isPopulationStatistic else {
                throw .invalid(argument.location, "argument nommé « \(label): » non accepté par \(name)"
                    + (function.isPopulationStatistic ? " (seul « by: category » l'est)" : ""))
            }
            guard case .name("category") = argument.value.syntax else {
                throw .invalid(argument.value.location, "« by: » n'accepte que « category »")
            }
            byCategory = true
        }

        let (minimum, maximum): (Int, Int) = switch function {
        case .max, .min, .sumOf: (1, .max)
        case .abs, .q1, .q2, .q3, .median, .isKnown: (1, 1)
        case .round: (1, 2)
        case .percentile, .pooledRatio: (2, 2)
        case .if, .safeDiv: (3, 3)
        }
        guard positional.count >= minimum, positional.count <= maximum else {
            let wanted = minimum == maximum ? "\(minimum)"
                : maximum == .max ? "au moins \(minimum)" : "\(minimum) à \(maximum)"
            throw .invalid(node.location, "\(name) attend \(wanted) argument\(minimum > 1 || (maximum != .max && maximum > 1) ? "s" : ""), trouvé \(positional.count)")
        }
        var checked = try positional.map { (a: SyntaxArgument) throws(FormulaError) -> FormulaNode in try check(a.value) }
        if function.isPopulationStatistic, function != .pooledRatio {
            let key = checked[0].text
            if let same = interned.nodes[key] { checked[0] = same } else { interned.nodes[key] = checked[0] }
        }

        func require(_ index: Int, _ type: FormulaType) throws(FormulaError) {
            guard checked[index].type == type else {
                throw .type(positional[index].location,
                            "l'argument \(index + 1) de \(name) doit être \(type.french), trouvé \(checked[index].type.french)")
            }
        }

        let resultType: FormulaType
        switch function {
        case .if:
            try require(0, .boolean)
            guard checked[1].type == checked[2].type else {
                throw .type(positional[2].location,
                            "les deux branches de if doivent avoir le même type, trouvé \(checked[1].type.french) et \(checked[2].type.french)")
            }
            resultType = checked[1].type
        case .isKnown:
            resultType = .boolean
        default:
            for index in checked.indices { try require(index, .number) }
            resultType = .number
        }

        if function == .round, checked.count == 2, case .literal(.number(let digits), _) = checked[1].kind,
           Self.wholeNumber(digits) == nil {
            throw .invalid(positional[1].location, "round attend un nombre entier de décimales, trouvé « \(checked[1].text) »")
        }
        if function == .percentile, case .literal(.number(let p), _) = checked[1].kind, p < 0 || p > 1 {
            throw .invalid(positional[1].location, "percentile attend un rang entre 0 et 1 (ou 0 % et 100 %), trouvé « \(checked[1].text) »")
        }
        return FormulaNode(.call(function, checked, byCategory: byCategory), type: resultType,
                           text: String(characters[node.start..<node.end]), location: node.location,
                           parenthesized: parenthesized)
    }

    /// The integer value of `d`, if it is one in a sensible range for decimal places.
    static func wholeNumber(_ d: Decimal) -> Int? {
        guard d >= -20, d <= 20 else { return nil }
        let n = NSDecimalNumber(decimal: d).intValue
        return Decimal(n) == d ? n : nil
    }
}
