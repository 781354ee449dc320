import Foundation

/// Walks a compiled formula for one establishment.
///
/// A missing measure value yields "no value" for every expression above it and is recorded, so
/// that one evaluation reports every missing input at once; it is never read as zero.
/// `and`/`or` evaluate both sides (missing on either side makes the result missing); `if` and
/// `safe_div` evaluate only the branch they need once the condition or divisor is known.
struct FormulaInterpreter {
    struct Outcome {
        var value: FormulaValue?
        var explanation: Explanation?
    }

    let explain: Bool
    let cache: PopulationStatisticsCache?
    /// Foundation's 38-digit products and quotients instead of the 64-bit fast path, to settle
    /// rounding ties (`DecimalRounding`).
    let precise: Bool
    var missing: Set<MissingValue> = []
    /// Set when a value evaluated so far may differ from the exact one (a rounded quotient or
    /// product): comparisons of exact values need no settling (D27).
    var inexact = false

    init(explain: Bool, cache: PopulationStatisticsCache?, precise: Bool = false) {
        self.explain = explain
        self.cache = cache
        self.precise = precise
    }

    /// Renders a value for an explanation; nil reads "manquante".
    static func render(_ value: FormulaValue?, percent: Bool = false, computed: Bool = true) -> String {
        guard let value else { return "manquante" }
        return FrenchNumberFormat.render(value, percent: percent, computed: computed)
    }

    /// The calendar year a relative year points at, `year` being the (possibly shifted) `N`.
    func resolve(_ ref: YearRef, _ context: any FormulaContext, year: Int, at node: FormulaNode) throws(FormulaError) -> Int {
        switch ref {
        case .n(let offset):
            return year + offset
        case .ref(let offset):
            guard let reference = context.referenceYear else {
                throw .noReferenceYear(subject: context.subject, node.location)
            }
            return reference + offset
        }
    }

    mutating func eval(_ node: FormulaNode, _ context: any FormulaContext, year: Int) throws(FormulaError) -> Outcome {
        switch node.kind {
        case .literal(let value, let percent), .parameter(_, let value, let percent):
            return Outcome(value: value, explanation: explain
                ? Explanation(label: node.text, value: Self.render(value, percent: percent, computed: false),
                              parenthesized: node.parenthesized)
                : nil)

        case .measure(let ref):
            let measureYear = try resolve(ref.yearOffset, context, year: year, at: node)
            let found = context.value(of: ref.code, year: measureYear)
            if found == nil { missing.insert(MissingValue(code: ref.code, year: measureYear)) }
            if let found, found.value.type != node.type {
                throw .type(node.location, "la mesure « \(ref.code) » (\(measureYear)) de l'établissement "
                    + "\(context.subject) vaut « \(Self.render(found.value, computed: false)) », "
                    + "\(node.type.french) était attendu")
            }
            return Outcome(value: found?.value, explanation: explain
                ? Explanation(label: node.text, value: Self.render(found?.value, computed: false),
                              source: found?.source, measure: ref.code, year: measureYear,
                              parenthesized: node.parenthesized)
                : nil)

        case .formula(_, let compiled, let shift):
            let formulaYear = try shift.map { (s: YearRef) throws(FormulaError) -> Int in
                try resolve(s, context, year: year, at: node)
            } ?? year
            let inner = try eval(compiled.root, context, year: formulaYear)
            return Outcome(value: inner.value, explanation: explain
                ? Explanation(label: node.text, value: Self.render(inner.value),
                              children: inner.explanation.map { [$0] } ?? [], parenthesized: node.parenthesized)
                : nil)

        case .negate(let operand):
            let inner = try eval(operand, context, year: year)
            var value: FormulaValue?
            if case .number(let d)? = inner.value { value = .number(FastDecimal.negate(d)) }
            return composite(node, value, .prefix, "−", [inner])

        case .not(let operand):
            let inner = try eval(operand, context, year: year)
            var value: FormulaValue?
            if case .boolean(let b)? = inner.value { value = .boolean(!b) }
            return composite(node, value, .prefix, "non ", [inner])

        case .binary(let op, let a, let b):
            let outer = inexact
            inexact = false
            let left = try eval(a, context, year: year)
            let leftExact = !inexact
            inexact = false
            let right = try eval(b, context, year: year)
            let exactOperands = leftExact && !inexact
            var value: FormulaValue?
            if op.isComparison, case .number(let x)? = left.value, case .number(let y)? = right.value {
                value = .boolean(op.accepts(try order(x, y, exact: exactOperands, of: a, b, context, year: year)))
                // A settled comparison is exact whatever its operands.
                inexact = outer
            } else {
                inexact = outer || !exactOperands
                if let l = left.value, let r = right.value {
                    value = try Self.apply(op, l, r, precise: precise, context: context, at: node, inexact: &inexact)
                }
            }
            return composite(node, value, .infix, op.symbol, [left, right])

        case .call(let function, let arguments, let byCategory):
            return try call(function, arguments, byCategory: byCategory, node: node, context, year: year)
        }
    }

    /// The outcome of an operator or function node, explained by its operands.
    func composite(
        _ node: FormulaNode, _ value: FormulaValue?, _ form: Explanation.Form, _ symbol: String,
        _ children: [Outcome], source: String? = nil
    ) -> Outcome {
        guard explain else { return Outcome(value: value, explanation: nil) }
        return Outcome(value: value, explanation: Explanation(
            label: node.text, value: Self.render(value), source: source,
            children: children.compactMap(\.explanation),
            form: form, symbol: symbol, parenthesized: node.parenthesized))
    }

    /// `inexact` is set when the result may differ from the exact value; on 38 digits every
    /// product and quotient counts as such (its comparisons are settled, `ExactComparison`).
    static func apply(
        _ op: BinaryOperator, _ l: FormulaValue, _ r: FormulaValue, precise: Bool = false,
        context: any FormulaContext, at node: FormulaNode, inexact: inout Bool
    ) throws(FormulaError) -> FormulaValue {
        var exact = true
        defer { if !exact { inexact = true } }
        switch (op, l, r) {
        case (.add, .number(let x), .number(let y)): return .number(FastDecimal.add(x, y, exact: &exact))
        case (.subtract, .number(let x), .number(let y)): return .number(FastDecimal.subtract(x, y, exact: &exact))
        case (.multiply, .number(let x), .number(let y)):
            if precise { exact = false }
            return .number(precise ? x * y : FastDecimal.multiply(x, y, exact: &exact))
        case (.divide, .number(let x), .number(let y)):
            guard y != 0 else { throw .divisionByZero(subject: context.subject, node.location) }
            if precise { exact = false }
            return .number(precise ? x / y : FastDecimal.divide(x, y, exact: &exact))
        case (.and, .boolean(let x), .boolean(let y)): return .boolean(x && y)
        case (.or, .boolean(let x), .boolean(let y)): return .boolean(x || y)
        case (.equal, .number(let x), .number(let y)): return .boolean(FastDecimal.compare(x, y) == .orderedSame)
        case (.notEqual, .number(let x), .number(let y)): return .boolean(FastDecimal.compare(x, y) != .orderedSame)
        case (.equal, _, _): return .boolean(l == r)
        case (.notEqual, _, _): return .boolean(l != r)
        case (.less, _, _), (.lessOrEqual, _, _), (.greater, _, _), (.greaterOrEqual, _, _):
            let order: ComparisonResult
            switch (l, r) {
            case (.number(let x), .number(let y)): order = FastDecimal.compare(x, y)
            case (.grade(let x), .grade(let y)): order = gradeOrder(x, y)
            default: throw .type(node.location, "on ne peut pas ordonner \(l.type.french) et \(r.type.french)")
            }
            let holds = switch op {
            case .less: order == .orderedAscending
            case .lessOrEqual: order != .orderedDescending
            case .greater: order == .orderedDescending
            default: order != .orderedAscending
            }
            return .boolean(holds)
        default:
            throw .type(node.location, "opération « \(op.rawValue) » impossible entre \(l.type.french) et \(r.type.french)")
        }
    }

    /// The order of two numbers compared in a formula, settled exactly (D27, `ExactComparison`):
    /// exact operands compare as they are; otherwise, near each other, both operands are
    /// evaluated again with 38 digits; on 38 digits already, values within 10⁻²⁴ are equal.
    func order(_ x: Decimal, _ y: Decimal, exact: Bool, of a: FormulaNode, _ b: FormulaNode, _ context: any FormulaContext,
               year: Int) throws(FormulaError) -> ComparisonResult {
        if exact { return FastDecimal.compare(x, y) }
        if precise { return ExactComparison.settledOrder(x, y) }
        return try ExactComparison.order(x, y) { () throws(FormulaError) -> (Decimal, Decimal)? in
            var exact = FormulaInterpreter(explain: false, cache: cache, precise: true)
            guard case .number(let px)? = try exact.eval(a, context, year: year).value,
                  case .number(let py)? = try exact.eval(b, context, year: year).value else { return nil }
            return (px, py)
        }
    }

    /// Grades are ordinal with A best (D11): 'A' > 'B' > 'C' > 'D', so `grade >= target` means
    /// "at least as good as the target".
    static func gradeOrder(_ x: Character, _ y: Character) -> ComparisonResult {
        // Letters run the other way: 'A' has the smallest code and the highest rank.
        x == y ? .orderedSame : x < y ? .orderedDescending : .orderedAscending
    }
}
