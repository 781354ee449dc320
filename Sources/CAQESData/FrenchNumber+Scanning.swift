import Foundation

extension FrenchNumber {
    enum Failure: Error {
        case severalSeparators, badGrouping, tooManyDigits
        func error(_ text: String) -> NumberError {
            switch self {
            case .severalSeparators: .severalDecimalSeparators(text)
            case .badGrouping: .badGrouping(text)
            case .tooManyDigits: .tooManyDigits(text)
            }
        }
    }

    /// nil when the text does not look like a number at all (then masks are tried);
    /// a failure when it does but is malformed (« 12,3,4 »).
    static func parseNumber(_ f: UnsafeRawBufferPointer) -> Result<Decimal, Failure>? {
        var i = 0, n = f.count
        // Suffix: `%` or `€` (E2 82 AC), then spaces.
        if n >= 1 && f[n - 1] == 0x25 { n -= 1 } else if n >= 3 && f[n - 3] == 0xE2 && f[n - 2] == 0x82 && f[n - 1] == 0xAC { n -= 3 }
        while n > 0, let width = Optional(spaceBefore(f, n)), width > 0 { n -= width }
        var negative = false
        if i < n && (f[i] == 0x2B || f[i] == 0x2D) { negative = f[i] == 0x2D; i += 1 }
        else if i + 2 < n && f[i] == 0xE2 && f[i + 1] == 0x88 && f[i + 2] == 0x92 { negative = true; i += 3 }

        var digits: [UInt8] = []
        var fractionDigits = 0, sawSeparator = false, separators = 0, groupLength = -1, grouped = false
        var sawDigit = false
        while i < n {
            let c = f[i]
            if c >= 0x30 && c <= 0x39 {
                if sawSeparator || !(digits.isEmpty && c == 0x30) { digits.append(c - 0x30) }
                if sawSeparator { fractionDigits += 1 }
                if groupLength >= 0 { groupLength += 1 }
                sawDigit = true
                i += 1
                continue
            }
            let width = spaceAt(f, i, n)
            if width > 0 {
                // Thousands separator: only between digits, before the decimal separator.
                guard sawDigit, !sawSeparator else { return sawDigit ? .failure(.badGrouping) : nil }
                if groupLength >= 0 && groupLength != 3 { return .failure(.badGrouping) }
                groupLength = 0; grouped = true
                i += width
                continue
            }
            if c == 0x2C || c == 0x2E {
                separators += 1
                if separators > 1 { return sawDigit ? .failure(.severalSeparators) : nil }
                if groupLength >= 0 && groupLength != 3 { return .failure(.badGrouping) }
                groupLength = -1
                sawSeparator = true
                i += 1
                continue
            }
            if (c == 0x65 || c == 0x45) && sawDigit && !grouped {
                return parseWithExponent(f, n: n, negative: negative)
            }
            return nil
        }
        if !sawDigit { return nil }
        if groupLength >= 0 && groupLength != 3 { return .failure(.badGrouping) }
        if digits.count > 38 { return .failure(.tooManyDigits) }
        var value: Decimal
        if digits.count <= 19 {
            var mantissa: UInt64 = 0
            for d in digits { mantissa = mantissa &* 10 &+ UInt64(d) }
            value = Decimal(mantissa)
        } else {
            value = Decimal(string: String(digits.map { Character(Unicode.Scalar($0 + 0x30)) }),
                            locale: Locale(identifier: "en_US_POSIX")) ?? 0
        }
        if fractionDigits > 0 { value = Decimal(sign: .plus, exponent: -fractionDigits, significand: value) }
        if negative && value != 0 { value.negate() }
        return .success(value)
    }

    static func parseWithExponent(_ f: UnsafeRawBufferPointer, n: Int, negative: Bool) -> Result<Decimal, Failure>? {
        var text = String(decoding: UnsafeRawBufferPointer(rebasing: f[0..<n]), as: UTF8.self)
        text = text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "−", with: "-")
        guard text.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            return nil
        }
        return .success(value)
    }

    static func spaceAt(_ f: UnsafeRawBufferPointer, _ i: Int, _ n: Int) -> Int {
        let c = f[i]
        if c == 0x20 { return 1 }
        if c == 0xC2 && i + 1 < n && f[i + 1] == 0xA0 { return 2 }
        if c == 0xE2 && i + 2 < n && f[i + 1] == 0x80 && f[i + 2] == 0xAF { return 3 }
        return 0
    }

    static func spaceBefore(_ f: UnsafeRawBufferPointer, _ n: Int) -> Int {
        if f[n - 1] == 0x20 { return 1 }
        if n >= 2 && f[n - 2] == 0xC2 && f[n - 1] == 0xA0 { return 2 }
        if n >= 3 && f[n - 3] == 0xE2 && f[n - 2] == 0x80 && f[n - 1] == 0xAF { return 3 }
        return 0
    }
}
