import Foundation

/// The one French number writer (D22): digits grouped by three with a narrow no-break space
/// (U+202F, « 1 234 567 »), a decimal comma, amounts to the cent followed by « € ». Formula
/// explanations, amounts, traces, pages and documents all write numbers through it; CSV amount
/// columns stay ungrouped so spreadsheets read them as numbers.
///
/// It also renders formula values for explanations: `1 234,56`, `30 %`, `vrai`, `B`.
///
/// Inputs (measures, parameters, literals) are shown exactly as given; computed values with two
/// to four decimals (`9 000,00`, `0,6049`), rounded half away from zero for display only.
public enum FrenchNumberFormat {
    /// U+202F NARROW NO-BREAK SPACE, between groups of three digits.
    public static let groupSeparator = "\u{202F}"

    /// `1 234` for 1234; `-12 345` for -12345.
    public static func integer(_ value: Int) -> String {
        let magnitude = String(value.magnitude)
        return (value < 0 ? "-" : "") + grouped(magnitude)
    }

    /// `1 234 567,89 €`: rounded to the cent half away from zero (D7), two decimals.
    public static func euros(_ amount: Decimal) -> String {
        decimal(Money.roundToCent(amount), minimumFractionDigits: 2) + " €"
    }

    /// `12,5 %` for 0.125: the rate × 100, written exactly (no rounding, no trailing zeros).
    public static func percent(_ rate: Decimal) -> String {
        decimal(rate * 100, minimumFractionDigits: 0) + " %"
    }

    /// A decimal written exactly as it is held, grouped, with a decimal comma and at least
    /// `minimumFractionDigits` decimals (`0,5`, `9 000,00`).
    public static func decimal(_ value: Decimal, minimumFractionDigits: Int = 0) -> String {
        var text = value.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = parts.first.map(String.init) ?? "0"
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < minimumFractionDigits { fraction.append("0") }
        let isZero = integer.allSatisfy { $0 == "0" } && fraction.allSatisfy { $0 == "0" }
        return (negative && !isZero ? "-" : "") + grouped(integer) + (fraction.isEmpty ? "" : "," + fraction)
    }

    /// Groups a run of ASCII digits by three from the right.
    public static func grouped(_ digits: String) -> String {
        String(decoding: groupedUTF8(Array(digits.utf8)), as: UTF8.self)
    }

    /// Groups ASCII digit bytes by three from the right (the explanations' fast path).
    static func groupedUTF8(_ digits: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count + digits.count)
        appendGrouped(digits, to: &bytes)
        return bytes
    }

    /// Appends `digits` grouped by three, the separator's UTF-8 bytes (E2 80 AF) written inline:
    /// this runs for every number of every explanation.
    @inline(__always)
    static func appendGrouped(_ digits: [UInt8], to bytes: inout [UInt8]) {
        let count = digits.count
        var index = 0
        while index < count {
            if index > 0, (count - index) % 3 == 0 {
                bytes.append(0xE2); bytes.append(0x80); bytes.append(0xAF)
            }
            bytes.append(digits[index])
            index += 1
        }
    }


    static func render(_ value: FormulaValue, percent: Bool = false, computed: Bool = false) -> String {
        switch value {
        case .boolean(let b): b ? "vrai" : "faux"
        case .grade(let g): String(g)
        case .number(let d): number(d, percent: percent, computed: computed)
        }
    }

    static func number(_ value: Decimal, percent: Bool = false, computed: Bool = false) -> String {
        let shown = percent ? FastDecimal.multiply(value, 100) : value
        let (negative, integer, fraction) = digits(shown, rounded: computed) ?? foundationDigits(shown, rounded: computed)
        // Built on UTF-8 bytes: this runs for every node of every explanation.
        var decimals = Array(fraction.utf8)
        while decimals.last == UInt8(ascii: "0") { decimals.removeLast() }
        if computed, !percent { while decimals.count < 2 { decimals.append(UInt8(ascii: "0")) } }
        let integerDigits = Array(integer.utf8)
        let isZero = integerDigits.allSatisfy { $0 == UInt8(ascii: "0") } && decimals.allSatisfy { $0 == UInt8(ascii: "0") }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(integerDigits.count * 4 / 3 + decimals.count + 4)
        if negative, !isZero { bytes.append(UInt8(ascii: "-")) }
        appendGrouped(integerDigits, to: &bytes)
        if !decimals.isEmpty {
            bytes.append(UInt8(ascii: ","))
            bytes.append(contentsOf: decimals)
        }
        if percent { bytes.append(contentsOf: " %".utf8) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sign, integer digits and fraction digits from the 64-bit fast path; display rounding to four
    /// decimals is half away from zero.
    private static func digits(_ value: Decimal, rounded: Bool) -> (Bool, String, String)? {
        guard var p = FastDecimal.parts(value) else { return nil }
        if rounded, p.exponent < -4 {
            let k = -4 - p.exponent
            guard k <= 19 else { return (p.negative, "0", "") }
            let divisor = FastDecimal.scaled(1, by: k)!
            var (q, r) = p.mantissa.quotientAndRemainder(dividingBy: divisor)
            if r >= divisor - r { q += 1 }
            p = FastDecimal.Parts(negative: p.negative, exponent: -4, mantissa: q)
        }
        var text = String(p.mantissa)
        if p.exponent >= 0 {
            text += String(repeating: "0", count: p.exponent)
            return (p.negative, text, "")
        }
        let scale = -p.exponent
        if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
        let split = text.index(text.endIndex, offsetBy: -scale)
        return (p.negative, String(text[..<split]), String(text[split...]))
    }

    private static func foundationDigits(_ value: Decimal, rounded: Bool) -> (Bool, String, String) {
        var shown = value
        if rounded {
            var result = Decimal()
            NSDecimalRound(&result, &shown, 4, .plain)
            shown = result
        }
        var text = shown.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        return (negative, parts.first.map(String.init) ?? "0", parts.count > 1 ? String(parts[1]) : "")
    }
}
