import Foundation

/// Comparisons with a threshold or a target that no quotient's digits can put on the wrong side
/// (D27), settled the way `DecimalRounding` settles amounts.
///
/// Why: the fast path keeps 18–19 significant digits per quotient, so two sides equal in exact
/// arithmetic can come out a hair apart: IDF day-case surgery at exactly +5 points,
/// `(856 / 1120 − 500 / 700) × 100`, evaluates to 4,999 999 999 999 999 97 and would miss a
/// « ≥ 5 » target; `1 / 3` and `99 / 297` get 18 and 19 digits and compare unequal.
///
/// Values the fast path computed exactly (counts, amounts, terminating quotients: the
/// interpreter tracks it) compare as they are. Otherwise two fast-path values within 10⁻⁹ of
/// each other (relative to the larger, or to 1 when both are smaller; far above the fast path's
/// error, far below any difference the data can make) are computed again with 38 digits
/// (`FormulaEvaluator.preciseValue`), and 38-digit values within 10⁻²⁴ of each other (same
/// scale) are taken as equal: their error is below 10⁻³⁵, while two different values built from
/// counts and amounts (denominators below 10¹² each) differ by more. Values further apart are
/// compared as they are: a few integer operations on 64-bit mantissas.
public enum ExactComparison {
    /// Digits under which fast-path values may be equal in exact arithmetic.
    static let nearDigits = 9
    /// Digits under which 38-digit values are taken as equal.
    static let tieDigits = 24

    /// Whether `a` and `b` are within 10⁻⁹ of max(1, |a|, |b|): then the fast path's digits could
    /// decide the comparison, and both sides should be computed again with 38 digits.
    public static func isNear(_ a: Decimal, _ b: Decimal) -> Bool {
        isWithin(nearDigits, a, b)
    }

    /// The order of `a` and `b`, computed again by `precise()` (38 digits; nil keeps the fast
    /// values) when they are near each other, and equal when the 38-digit values are within
    /// 10⁻²⁴.
    public static func order<E: Error>(
        _ a: Decimal, _ b: Decimal, settling precise: () throws(E) -> (Decimal, Decimal)?
    ) throws(E) -> ComparisonResult {
        guard isNear(a, b) else { return FastDecimal.compare(a, b) }
        guard let (x, y) = try precise() else { return FastDecimal.compare(a, b) }
        return settledOrder(x, y)
    }

    /// The order of two 38-digit values: equal within 10⁻²⁴ of max(1, |x|, |y|).
    public static func settledOrder(_ x: Decimal, _ y: Decimal) -> ComparisonResult {
        isWithin(tieDigits, x, y) ? .orderedSame : FastDecimal.compare(x, y)
    }

    /// Whether |a − b| ≤ 10^-digits × max(1, |a|, |b|).
    static func isWithin(_ digits: Int, _ a: Decimal, _ b: Decimal) -> Bool {
        // The common case of a bulk run: 64-bit mantissas, decided in integers.
        if let p = FastDecimal.parts(a), let q = FastDecimal.parts(b) {
            if let within = FastDecimal.isWithin(digits, p, q) { return within }
            if let apart = FastDecimal.clearlyApart(p, q, digits: digits) { return !apart }
        }
        let difference = FastDecimal.subtract(a, b)
        if difference.isZero { return true }
        let scale = max(1, magnitude(a), magnitude(b))
        // |difference| × 10^digits ≤ scale, the product being an exponent shift.
        let scaled = Decimal(sign: .plus, exponent: digits, significand: magnitude(difference))
        return FastDecimal.compare(scaled, scale) != .orderedDescending
    }

    private static func magnitude(_ x: Decimal) -> Decimal { x < 0 ? -x : x }
}

extension Comparison {
    /// `holds(_:_:)` with numbers near each other settled on 38 digits (`ExactComparison`):
    /// `precise` computes both sides again, or answers nil to keep them.
    public func holds(_ lhs: FormulaValue, _ rhs: FormulaValue, settling precise: () -> (Decimal, Decimal)?) -> Bool? {
        guard case .number(let a) = lhs, case .number(let b) = rhs else { return holds(lhs, rhs) }
        return accepts(ExactComparison.order(a, b, settling: precise))
    }

    /// Whether an order satisfies the comparison.
    func accepts(_ order: ComparisonResult) -> Bool {
        switch self {
        case .greater: order == .orderedDescending
        case .greaterOrEqual: order != .orderedAscending
        case .less: order == .orderedAscending
        case .lessOrEqual: order != .orderedDescending
        case .equal: order == .orderedSame
        }
    }
}
