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

    /// `9 000,00 €` (thousands grouped by a plain space, as in formula explanations).
    public static func format(_ amount: Decimal) -> String {
        format(number: roundToCent(amount), decimals: 2) + " €"
    }

    /// `30 %`, `12,5 %`.
    public static func percent(_ rate: Decimal) -> String {
        format(number: rate * 100, decimals: nil) + " %"
    }

    static func format(number: Decimal, decimals: Int?) -> String {
        var text = number.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = parts.first.map(String.init) ?? "0"
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        if let decimals { while fraction.count < decimals { fraction.append("0") } }
        var grouped = ""
        for (i, digit) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { grouped.append(" ") }
            grouped.append(digit)
        }
        return (negative ? "-" : "") + grouped + (fraction.isEmpty ? "" : "," + fraction)
    }
}
