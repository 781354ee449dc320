import Foundation

extension FormulaInterpreter {
    /// An explanation for a branch that was not evaluated (`if`, `safe_div` fallback).
    private func skipped(_ node: FormulaNode) -> Outcome {
        Outcome(value: nil, explanation: explain
            ? Explanation(label: node.text, value: "…", parenthesized: node.parenthesized) : nil)
    }

    private static func numbers(_ outcomes: [Outcome]) -> [Decimal]? {
        var result: [Decimal] = []
        result.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            guard case .number(let d)? = outcome.value else { return nil }
            result.append(d)
        }
        return result
    }

    mutating func call(
        _ function: FormulaFunction, _ args: [FormulaNode], byCategory: Bool, node: FormulaNode,
        _ context: any FormulaContext, year: Int
    ) throws(FormulaError) -> Outcome {
        let name = function.rawValue
        switch function {
        case .if:
            // The condition is settled: only the branch taken can make the value inexact.
            let outer = inexact
            let condition = try eval(args[0], context, year: year)
            inexact = outer
            guard case .boolean(let chosen)? = condition.value else {
                // Unknown condition: visit both branches so every missing input is reported.
                let a = try eval(args[1], context, year: year), b = try eval(args[2], context, year: year)
                return composite(node, nil, .call, name, [condition, a, b])
            }
            let taken = try eval(args[chosen ? 1 : 2], context, year: year)
            let branches = chosen ? [taken, skipped(args[2])] : [skipped(args[1]), taken]
            return composite(node, taken.value, .call, name, [condition] + branches)

        case .safeDiv:
            let a = try eval(args[0], context, year: year), b = try eval(args[1], context, year: year)
            if case .number(0)? = b.value {
                let fallback = try eval(args[2], context, year: year)
                return composite(node, fallback.value, .call, name, [a, b, fallback])
            }
            var value: FormulaValue?
            if case .number(let x)? = a.value, case .number(let y)? = b.value {
                var exact = !precise
                value = .number(precise ? x / y : FastDecimal.divide(x, y, exact: &exact))
                if !exact { inexact = true }
            }
            return composite(node, value, .call, name, [a, b, skipped(args[2])])

        case .isKnown:
            var probe = FormulaInterpreter(explain: explain, cache: cache, precise: precise)
            let inner = try probe.eval(args[0], context, year: year)
            return composite(node, .boolean(probe.missing.isEmpty), .call, name, [inner])

        case .round:
            // Rounding settles its argument (DecimalRounding): the rounded value is exact.
            let outer = inexact
            defer { inexact = outer }
            var outcomes: [Outcome] = []
            for arg in args { outcomes.append(try eval(arg, context, year: year)) }
            guard let xs = Self.numbers(outcomes) else { return composite(node, nil, .call, name, outcomes) }
            guard let places = xs.count > 1 ? FormulaTypeChecker.wholeNumber(xs[1]) : 0 else {
                throw .invalid(node.location, "round attend un nombre entier de décimales")
            }
            // Quotients keep 18–19 digits here: near a tie, an exact half may have come out a hair
            // below it, so settle it on 38 digits (DecimalRounding).
            let rounded = try DecimalRounding.halfAwayFromZero(xs[0], places: places) { () throws(FormulaError) -> Decimal? in
                guard !precise else { return nil }
                var exact = FormulaInterpreter(explain: false, cache: cache, precise: true)
                guard case .number(let value)? = try exact.eval(args[0], context, year: year).value else { return nil }
                return value
            }
            return composite(node, .number(rounded), .call, name, outcomes)

        case .max, .min, .sumOf, .abs:
            var outcomes: [Outcome] = []
            for arg in args { outcomes.append(try eval(arg, context, year: year)) }
            var value: FormulaValue?
            if let xs = Self.numbers(outcomes) {
                var exact = true
                value = .number(try Self.numeric(function, xs, at: node, exact: &exact))
                if !exact { inexact = true }
            }
            return composite(node, value, .call, name, outcomes)

        case .q1, .q2, .q3, .median, .percentile:
            var rank: Decimal
            var parts: [Outcome] = []
            switch function {
            case .q1: rank = Self.quarter
            case .q3: rank = Self.threeQuarters
            case .percentile:
                let p = try eval(args[1], context, year: year)
                parts = [p]
                guard case .number(let value)? = p.value else { return composite(node, nil, .value, name, parts) }
                guard value >= 0, value <= 1 else {
                    throw .invalid(args[1].location, "percentile attend un rang entre 0 et 1 (ou 0 % et 100 %), "
                        + "trouvé \(Self.render(value == 0 ? nil : p.value)) pour l'établissement \(context.subject)")
                }
                rank = value
            default: rank = Self.half
            }
            let category = try categoryFilter(byCategory, context, at: node)
            let sample = try sample(of: args[0], category: category, context, year: year)
            var exact = sample.exact && !precise
            guard let value = PopulationStatistics.quantile(sample.sorted, rank, exact: &exact) else {
                throw .emptyPopulation(subject: context.subject, node.location, args[0].text)
            }
            if !exact { inexact = true }
            return composite(node, .number(value), .value, name, parts,
                             source: explain ? Self.populationNote(sample.sorted.count, category) : nil)

        case .pooledRatio:
            let category = try categoryFilter(byCategory, context, at: node)
            let sums = try pooledSums(node, args[0], args[1], category: category, context, year: year)
            guard sums.count > 0 else {
                throw .emptyPopulation(subject: context.subject, node.location, node.text)
            }
            guard sums.denominator != 0 else { throw .divisionByZero(subject: context.subject, node.location) }
            let note = explain
                ? "Σ \(FrenchNumberFormat.number(sums.numerator)) / Σ \(FrenchNumberFormat.number(sums.denominator)), "
                    + Self.populationNote(sums.count, category)
                : nil
            var exact = sums.exact && !precise
            let ratio = precise ? sums.numerator / sums.denominator : FastDecimal.divide(sums.numerator, sums.denominator, exact: &exact)
            if !exact { inexact = true }
            return composite(node, .number(ratio), .value, name, [], source: note)
        }
    }

    private static let quarter = Decimal(sign: .plus, exponent: -2, significand: 25)
    private static let half = Decimal(sign: .plus, exponent: -1, significand: 5)
    private static let threeQuarters = Decimal(sign: .plus, exponent: -2, significand: 75)

    private static func numeric(_ function: FormulaFunction, _ xs: [Decimal], at node: FormulaNode,
                                exact: inout Bool) throws(FormulaError) -> Decimal {
        switch function {
        case .max: return xs.max(by: FastDecimal.less)!
        case .min: return xs.min(by: FastDecimal.less)!
        case .sumOf:
            var sum = xs[0]
            for x in xs.dropFirst() { sum = FastDecimal.add(sum, x, exact: &exact) }
            return sum
        default: return FastDecimal.less(xs[0], 0) ? FastDecimal.negate(xs[0]) : xs[0]
        }
    }

    private static func populationNote(_ count: Int, _ category: String?) -> String {
        let members = "\(FrenchNumberFormat.number(Decimal(count))) établissement\(count > 1 ? "s" : "") ayant une valeur"
        return category.map { "\(members), catégorie « \($0) »" } ?? members
    }

    private func categoryFilter(_ byCategory: Bool, _ context: any FormulaContext, at node: FormulaNode) throws(FormulaError) -> String? {
        guard byCategory else { return nil }
        guard let category = context.category else { throw .missingCategory(subject: context.subject, node.location) }
        return category
    }
}
