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
        for (i, digit) in integerDigits.enumerated() {
            if i > 0, (integerDigits.count - i) % 3 == 0 { bytes.append(UInt8(ascii: " ")) }
            bytes.append(digit)
        }
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
