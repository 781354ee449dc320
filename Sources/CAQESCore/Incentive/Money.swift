import Foundation

/// Euro amounts: rounding to the cent and French display.
public enum Money {
    /// Rounds to the cent, half away from zero (D7): done once, on each indicator's final amount.
    public static func roundToCent(_ amount: Decimal) -> Decimal {
        var value = amount
        var rounded = Decimal()
        // `.plain` rounds a tie away from zero for both signs.
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }

    /// Truncates to the cent (toward zero): for shares that must never exceed an envelope.
    public static func truncateToCent(_ amount: Decimal) -> Decimal {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, amount < 0 ? .up : .down)
        return rounded
    }

    /// `9 000,00 €` (FrenchNumberFormat: thousands grouped by a narrow no-break space).
    public static func format(_ amount: Decimal) -> String {
        FrenchNumberFormat.euros(amount)
    }

    /// `30 %`, `12,5 %`.
    public static func percent(_ rate: Decimal) -> String {
        FrenchNumberFormat.percent(rate)
    }
}
