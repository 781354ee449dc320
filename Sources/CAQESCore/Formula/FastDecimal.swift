import Foundation

/// Fast paths for `Decimal` arithmetic when mantissas fit in 64 bits, which covers every amount,
/// count and rate a catalogue reads.
///
/// Why: on the Linux toolchain this was written on, Foundation's `Decimal` arithmetic allocates
/// arrays on every operation (~0.4 µs a multiply-add, ~1 µs a division, ~0.6 µs a `description`),
/// and its quotients carry 38 digits that push every later operation onto the slow path; that
/// alone would blow the budget of a national run (3,000 establishments × 10 indicators × 2 years
/// in 200 ms).
///
/// Addition, subtraction and comparison are exact, so they equal Foundation's; so is
/// multiplication while the product fits in 64 bits (beyond, it keeps 19 significant digits).
/// Division keeps 18 to 19 significant digits, rounded half away from zero (exact quotients stay
/// exact): formula results may differ from Foundation's `a / b` beyond the 18th digit. That is
/// far below the cent, except on an amount that is exactly half a cent, which either precision
/// may put on the wrong side: rounding goes through `DecimalRounding` (D7). Anything that does
/// not fit (overflow, wide mantissas, NaN) goes through Foundation. The raw layout read here is
/// the NSDecimal one (exponent byte, length/sign nibble, 8 × UInt16 mantissa); `isEnabled`
/// checks it once and turns every fast path off if it differs.
enum FastDecimal {
    struct Parts: Equatable {
        var negative: Bool
        var exponent: Int
        var mantissa: UInt64
    }

    /// Where the length and sign bits sit in byte 1: Darwin's NSDecimal bit-field puts the length in
    /// the low nibble and the sign in bit 4; swift-foundation on Linux puts the length in the high
    /// nibble and the sign in bit 3. Probed once on known values; nil disables the fast paths.
    private enum Layout {
        case lowNibbleLength, highNibbleLength
    }

    private static let layout: Layout? = {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        let samples: [(String, Parts)] = [
            ("-1234.56", Parts(negative: true, exponent: -2, mantissa: 123_456)),
            ("18446744073709551615", Parts(negative: false, exponent: 0, mantissa: .max)),
            ("0.000001", Parts(negative: false, exponent: -6, mantissa: 1)),
        ]
        return [Layout.lowNibbleLength, .highNibbleLength].first { layout in
            for (text, expected) in samples {
                guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                      read(d, layout) == expected, make(expected) == d else { return false }
            }
            return read(Decimal(string: "18446744073709551616")!, layout) == nil && read(Decimal(0), layout)?.mantissa == 0
        }
    }()

    static var isEnabled: Bool { layout != nil }

    private static func read(_ d: Decimal, _ layout: Layout) -> Parts? {
        withUnsafeBytes(of: d) { raw -> Parts? in
            let flags = raw[1]
            let (length, negative) = switch layout {
            case .lowNibbleLength: (Int(flags & 0x0F), flags & 0x10 != 0)
            case .highNibbleLength: (Int(flags >> 4), flags & 0x08 != 0)
            }
            guard length <= 4 else { return nil }
            guard length > 0 else { return negative ? nil : Parts(negative: false, exponent: 0, mantissa: 0) }
            var mantissa: UInt64 = 0
            for i in stride(from: length - 1, through: 0, by: -1) {
                mantissa = mantissa << 16 | UInt64(raw.loadUnaligned(fromByteOffset: 4 + 2 * i, as: UInt16.self))
            }
            return Parts(negative: negative, exponent: Int(Int8(bitPattern: raw[0])), mantissa: mantissa)
        }
    }

    /// Sign, exponent and 64-bit mantissa, or nil when the fast path does not apply.
    @inline(__always)
    static func parts(_ d: Decimal) -> Parts? {
        guard let layout else { return nil }
        return read(d, layout)
    }

    static func make(_ p: Parts) -> Decimal {
        Decimal(sign: p.negative && p.mantissa != 0 ? .minus : .plus, exponent: p.exponent, significand: Decimal(p.mantissa))
    }

    private static let powers: [UInt64] = (0...19).map { (0..<$0).reduce(UInt64(1)) { r, _ in r * 10 } }

    /// `m × 10^k`, nil on overflow.
    @inline(__always)
    static func scaled(_ m: UInt64, by k: Int) -> UInt64? {
        guard k <= 19 else { return m == 0 ? 0 : nil }
        let (r, overflow) = m.multipliedReportingOverflow(by: powers[k])
        return overflow ? nil : r
    }

    /// Both mantissas at the smaller exponent.
    @inline(__always)
    private static func aligned(_ a: Parts, _ b: Parts) -> (UInt64, UInt64, Int)? {
        if a.exponent == b.exponent { return (a.mantissa, b.mantissa, a.exponent) }
        if a.exponent > b.exponent {
            guard let m = scaled(a.mantissa, by: a.exponent - b.exponent) else { return nil }
            return (m, b.mantissa, b.exponent)
        }
        guard let m = scaled(b.mantissa, by: b.exponent - a.exponent) else { return nil }
        return (a.mantissa, m, a.exponent)
    }

    static func add(_ x: Decimal, _ y: Decimal) -> Decimal {
        var exact = true
        return add(x, y, exact: &exact)
    }

    /// `add`, clearing `exact` when Foundation's 38 digits took over (they may round).
    static func add(_ x: Decimal, _ y: Decimal, exact: inout Bool) -> Decimal {
        guard let a = parts(x), let b = parts(y) else {
            exact = false
            return x + y
        }
        if a.mantissa == 0 { return y }
        if b.mantissa == 0 { return x }
        guard let (ma, mb, e) = aligned(a, b) else {
            exact = false
            return x + y
        }
        if a.negative == b.negative {
            let (sum, overflow) = ma.addingReportingOverflow(mb)
            if overflow { exact = false }
            return overflow ? x + y : make(Parts(negative: a.negative, exponent: e, mantissa: sum))
        }
        return ma >= mb
            ? make(Parts(negative: a.negative, exponent: e, mantissa: ma - mb))
            : make(Parts(negative: b.negative, exponent: e, mantissa: mb - ma))
    }

    static func subtract(_ x: Decimal, _ y: Decimal) -> Decimal {
        add(x, negate(y))
    }

    static func subtract(_ x: Decimal, _ y: Decimal, exact: inout Bool) -> Decimal {
        add(x, negate(y), exact: &exact)
    }

    static func negate(_ x: Decimal) -> Decimal {
        guard var a = parts(x) else { return -x }
        a.negative.toggle()
        return make(a)
    }

    /// Exact while the product fits in 64 bits; beyond, rounded half away from zero to 19
    /// significant digits (only a quotient's long tail gets there: amounts and rates are short).
    static func multiply(_ x: Decimal, _ y: Decimal) -> Decimal {
        var exact = true
        return multiply(x, y, exact: &exact)
    }

    /// `multiply`, clearing `exact` when the product was shortened or left to Foundation.
    static func multiply(_ x: Decimal, _ y: Decimal, exact: inout Bool) -> Decimal {
        guard let a = parts(x), let b = parts(y) else {
            exact = false
            return x * y
        }
        let (high, low) = a.mantissa.multipliedFullWidth(by: b.mantissa)
        var m = low
        var e = a.exponent + b.exponent
        if high != 0 {
            exact = false
            guard let (q, k) = shortened(high: high, low: low) else { return x * y }
            (m, e) = (q, e + k)
        }
        guard e >= -128, e <= 127 else {
            exact = false
            return x * y
        }
        return make(Parts(negative: a.negative != b.negative, exponent: e, mantissa: m))
    }

    /// A 128-bit mantissa divided by the smallest 10^k that brings it under 10^19, rounded half
    /// away from zero.
    private static func shortened(high: UInt64, low: UInt64) -> (UInt64, Int)? {
        for k in 1...19 where high < powers[k] {
            var (q, r) = powers[k].dividingFullWidth((high, low))
            guard q < powers[19] else { continue }
            if r >= powers[k] - r { q += 1 }
            return (q, k)
        }
        return nil
    }

    private static func digitCount(_ m: UInt64) -> Int {
        var n = 1
        while n < 20, m >= powers[n] { n += 1 }
        return n
    }

    /// `x / y` to 18–19 significant digits, rounded half away from zero; `y` must not be zero.
    static func divide(_ x: Decimal, _ y: Decimal) -> Decimal {
        var exact = true
        return divide(x, y, exact: &exact)
    }

    /// `divide`, clearing `exact` unless the quotient is exact (a zero remainder): terminating
    /// quotients such as 23 / 25 stay exact, and comparisons of exact values need no settling.
    static func divide(_ x: Decimal, _ y: Decimal, exact: inout Bool) -> Decimal {
        guard let a = parts(x), let b = parts(y), b.mantissa != 0 else {
            exact = false
            return x / y
        }
        if a.mantissa == 0 { return Decimal(0) }
        // Scale the dividend so the quotient has 18 or 19 digits: ma × 10^k, k ≤ 38, fits in 128 bits.
        let k = 18 - (digitCount(a.mantissa) - digitCount(b.mantissa))
        guard k >= 0, k <= 38 else {
            exact = false
            return x / y
        }
        var high: UInt64, low: UInt64
        if k <= 19 {
            (high, low) = a.mantissa.multipliedFullWidth(by: powers[k])
        } else {
            let (h1, l1) = a.mantissa.multipliedFullWidth(by: powers[19])
            let (lh, ll) = l1.multipliedFullWidth(by: powers[k - 19])
            let (hh, overflow) = h1.multipliedReportingOverflow(by: powers[k - 19])
            let (sum, carry) = hh.addingReportingOverflow(lh)
            guard !overflow, !carry else {
                exact = false
                return x / y
            }
            (high, low) = (sum, ll)
        }
        guard high < b.mantissa else {
            exact = false
            return x / y
        }
        var (q, r) = b.mantissa.dividingFullWidth((high, low))
        if r != 0 { exact = false }
        if r >= b.mantissa - r { q += 1 }
        var e = a.exponent - b.exponent - k
        while q % 10 == 0, q != 0 {
            q /= 10
            e += 1
        }
        guard e >= -128, e <= 127 else {
            exact = false
            return x / y
        }
        return make(Parts(negative: a.negative != b.negative, exponent: e, mantissa: q))
    }

    /// Whether |a − b| ≤ 10^-digits × max(1, |a|, |b|), in integers at the common exponent; nil
    /// when the mantissas do not align in 64 bits (then `clearlyApart`, or Foundation, decides).
    @inline(__always)
    static func isWithin(_ digits: Int, _ a: Parts, _ b: Parts) -> Bool? {
        guard let (x, y, e) = aligned(a, b) else { return nil }
        let difference: UInt64
        if a.negative == b.negative || x == 0 || y == 0 {
            difference = x > y ? x - y : y - x
        } else {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if overflow { return false }
            difference = sum
        }
        if difference == 0 { return true }
        var scale = max(x, y)
        // 1 at exponent e < 0 is the mantissa 10^-e; at e ≥ 0 a non-zero mantissa is already ≥ 1.
        if e < 0 {
            guard let one = scaled(1, by: -e) else { return nil }
            scale = max(scale, one)
        }
        // An overflow means difference × 10^digits exceeds any 64-bit scale.
        guard let widened = scaled(difference, by: digits) else { return false }
        return widened <= scale
    }

    /// True when `a` and `b` are certainly more than 10^-digits × max(1, |a|, |b|) apart, nil when
    /// their orders of magnitude do not decide (10^(m−1) ≤ |x| < 10^m, m read from the digits).
    static func clearlyApart(_ a: Parts, _ b: Parts, digits: Int) -> Bool? {
        guard digits >= 3, a.mantissa != 0 || b.mantissa != 0 else { return nil }
        let ma = a.mantissa == 0 ? Int.min / 2 : digitCount(a.mantissa) + a.exponent
        let mb = b.mantissa == 0 ? Int.min / 2 : digitCount(b.mantissa) + b.exponent
        // The larger side is at least 1, so it is the scale; the smaller is below a hundredth of
        // it, so the difference exceeds 0.9 × 10^(m−1), far above 10^(m−digits).
        guard max(ma, mb) >= 1, abs(ma - mb) >= 2 else { return nil }
        return true
    }

    /// `x < y`.
    static func less(_ x: Decimal, _ y: Decimal) -> Bool {
        compare(x, y) == .orderedAscending
    }

    static func compare(_ x: Decimal, _ y: Decimal) -> ComparisonResult {
        guard let a = parts(x), let b = parts(y) else { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        let signA = a.mantissa == 0 ? 0 : a.negative ? -1 : 1
        let signB = b.mantissa == 0 ? 0 : b.negative ? -1 : 1
        if signA != signB { return signA < signB ? .orderedAscending : .orderedDescending }
        if signA == 0 { return .orderedSame }
        // Different orders of magnitude decide without aligning mantissas.
        let magnitudeA = digitCount(a.mantissa) + a.exponent, magnitudeB = digitCount(b.mantissa) + b.exponent
        if magnitudeA != magnitudeB {
            return (magnitudeA < magnitudeB) != a.negative ? .orderedAscending : .orderedDescending
        }
        guard let (ma, mb, _) = aligned(a, b) else {
            return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
        }
        if ma == mb { return .orderedSame }
        return (ma < mb) != a.negative ? .orderedAscending : .orderedDescending
    }
}
