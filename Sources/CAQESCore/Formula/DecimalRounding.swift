import Foundation

/// Rounding half away from zero (D7) that rounds an exact tie as a tie.
///
/// Why: a formula's quotients keep 18–19 significant digits on the fast path (38 in Foundation),
/// so an amount that is exactly half a cent when computed with fractions can come out a hair
/// below it: `(190505 / 140 − 187985 / 315) × 315 × 30 %` is exactly 72 195,375 but evaluates to
/// 72 195,374 999 999 999 97, which plain rounding takes to 72 195,37 instead of 72 195,38. Whole
/// amounts, counts and rates make such ties common (about one paid line in 250 on the rules
/// benchmark), and either precision rounds some of them the wrong way.
///
/// So a fast result within 10⁻⁴ of the unit of a tie (far above the fast path's error, about
/// 10⁻¹¹ of a cent at worst on the benchmark) is computed again with 38 digits
/// (`FormulaEvaluator.preciseValue`), and a 38-digit value within 10⁻¹⁸ of the unit of a tie is
/// taken for the tie: its error is far below that, and a true value so close to a tie without
/// being one would need a divisor of about 10¹⁸.
public enum DecimalRounding {
    /// Digits of the unit under which a fast-path result may be a tie in exact arithmetic.
    static let nearTieDigits = 4
    /// Digits of the unit under which a 38-digit result is taken for the tie.
    static let tieDigits = 18

    /// Whether `value` is within 10⁻⁴ of a unit (`10^-places`) of a tie: then a fast-path error
    /// could decide the rounding, and the value should be computed again with
    /// `FormulaEvaluator.preciseValue` before `halfAwayFromZero`.
    public static func isNearTie(_ value: Decimal, places: Int) -> Bool {
        isWithin(nearTieDigits, ofTie: value, places: places)
    }

    /// `value` rounded to `places` decimals, half away from zero; a value within 10⁻¹⁸ of a unit
    /// of a tie is rounded as the tie.
    public static func halfAwayFromZero(_ value: Decimal, places: Int) -> Decimal {
        halfAwayFromZero(value, places: places) { nil }
    }

    /// `halfAwayFromZero(_:places:)` of `precise()` instead of `value` when `value` is near a tie
    /// (`isNearTie`): `precise` computes the same value again with 38 digits, or answers nil
    /// to keep `value`. Called about once per 250 amounts.
    public static func halfAwayFromZero<E: Error>(
        _ value: Decimal, places: Int, settling precise: () throws(E) -> Decimal?
    ) throws(E) -> Decimal {
        var x = value
        if isNearTie(value, places: places) {
            x = try precise() ?? value
            if isWithin(tieDigits, ofTie: x, places: places) { x = tie(near: x, places: places) }
        }
        var rounded = Decimal()
        // `.plain` rounds a tie away from zero for both signs.
        NSDecimalRound(&rounded, &x, places, .plain)
        return rounded
    }

    /// Whether `|value| × 10^places` is within `10^-digits` of some `n + ½`.
    static func isWithin(_ digits: Int, ofTie value: Decimal, places: Int) -> Bool {
        if let p = FastDecimal.parts(value) { return isWithin(digits, ofTie: p, places: places) }
        // A mantissa wider than 64 bits (a long quotient times a rate): the digits beyond
        // 10^-(digits+2) of the unit cannot decide, and without them it usually fits.
        var shortened = Decimal(), x = value
        NSDecimalRound(&shortened, &x, places + digits + 2, .plain)
        if let p = FastDecimal.parts(shortened) { return isWithin(digits, ofTie: p, places: places) }
        guard !value.isNaN else { return false }
        let scaled = magnitude(value) * Decimal(sign: .plus, exponent: places, significand: 1)
        var whole = Decimal(), s = scaled
        NSDecimalRound(&whole, &s, 0, .down)
        let offset = scaled - whole - Decimal(sign: .plus, exponent: -1, significand: 5)
        return magnitude(offset) <= Decimal(sign: .plus, exponent: -digits, significand: 1)
    }

    /// `isWithin` on a 64-bit mantissa, in integers.
    private static func isWithin(_ digits: Int, ofTie p: FastDecimal.Parts, places: Int) -> Bool {
        // k = how many digits of the mantissa lie below the unit.
        let k = -places - p.exponent
        guard k > 0 else { return false }
        // Beyond 19 digits below the unit, a 64-bit mantissa is under 0.19 of the unit: no tie near.
        guard k <= 19, let unit = FastDecimal.scaled(1, by: k) else { return false }
        let r = p.mantissa % unit, half = unit / 2
        let distance = r > half ? r - half : half - r
        // distance / 10^k ≤ 10^-digits
        return distance == 0 || (k > digits && distance <= FastDecimal.scaled(1, by: k - digits)!)
    }

    /// The tie `±(n + ½) × 10^-places` nearest to `value`.
    private static func tie(near value: Decimal, places: Int) -> Decimal {
        var scaled = magnitude(value) * Decimal(sign: .plus, exponent: places, significand: 1), whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .down)
        // Within 10⁻¹⁸ of n + ½, on either side, the whole part is n.
        let tie = (whole + Decimal(sign: .plus, exponent: -1, significand: 5)) * Decimal(sign: .plus, exponent: -places, significand: 1)
        return value < 0 ? -tie : tie
    }

    private static func magnitude(_ x: Decimal) -> Decimal { x < 0 ? -x : x }
}
