import Foundation

/// Renders formula values the French way for explanations: `1 234,56`, `30 %`, `vrai`, `B`.
///
/// Inputs (measures, parameters, literals) are shown exactly as given; computed values with two
/// to four decimals (`9 000,00`, `0,6049`), rounded half away from zero for display only.
/// Thousands are grouped with a plain space so CSV exports and tests stay byte-stable.
enum FrenchNumberFormat {
    static func render(_ value: FormulaValue, percent: Bool = false, computed: Bool = false) -> String {
        switch value {
        case .boolean(let b): b ? "vrai" : "faux"
        case .grade(let g): String(g)
        case .number(let d): number(d, percent: percent, computed: computed)
        }
    }

    static func number(_ value: Decimal, percent: Bool = false, computed: Bool = false) -> String {
        var shown = percent ? value * 100 : value
        var minimumDecimals = 0
        if computed {
            var rounded = Decimal()
            NSDecimalRound(&rounded, &shown, 4, .plain)
            shown = rounded
            minimumDecimals = percent ? 0 : 2
        }
        var text = shown.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = parts.first.map(String.init) ?? "0"
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < minimumDecimals { fraction.append("0") }

        var grouped = ""
        for (i, digit) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { grouped.append(" ") }
            grouped.append(digit)
        }
        var result = negative && shown != 0 ? "-" + grouped : grouped
        if !fraction.isEmpty { result += "," + fraction }
        return percent ? result + " %" : result
    }
}
