import Foundation
import Testing
@testable import CAQESCore

@Suite("Fast decimal arithmetic")
struct FastDecimalTests {
    @Test("the raw Decimal layout is the one the fast paths expect")
    func enabled() {
        #expect(FastDecimal.isEnabled)
        #expect(FastDecimal.parts(dec("-1234.56")) == FastDecimal.Parts(negative: true, exponent: -2, mantissa: 123_456))
    }

    static let operands: [String] = ["0", "1", "-1", "0.55", "250000", "-220000.75", "0.000123", "99999999999.99",
                                     "18446744073709551615", "3", "7", "1e20", "123456789012345678901234567890", "0.3"]

    @Test("addition, subtraction, multiplication and comparison equal Foundation's", arguments: operands)
    func exactOperations(left: String) {
        let x = dec(left)
        for right in Self.operands {
            let y = dec(right)
            #expect(FastDecimal.add(x, y) == x + y, "\(left) + \(right)")
            #expect(FastDecimal.subtract(x, y) == x - y, "\(left) - \(right)")
            let product = x * y
            let fast = FastDecimal.multiply(x, y)
            let tolerance = (product < 0 ? -product : product) * dec("0.000000000000000001")
            #expect(fast - product <= tolerance && product - fast <= tolerance, "\(left) × \(right)")
            #expect(FastDecimal.less(x, y) == (x < y), "\(left) < \(right)")
            #expect((FastDecimal.compare(x, y) == .orderedSame) == (x == y), "\(left) = \(right)")
        }
    }

    @Test("multiplication is exact within 64 bits, then keeps 19 significant digits", arguments: [
        ("250000", "0.3", "75000"),
        ("99999999999.99", "12345", "1234499999999876.55"),
        ("0.604878048780487805", "2000000", "1209756.09756097561"),
        ("0.433333333333333333", "0.433333333333333333", "0.1877777777777777775"),
    ])
    func multiplication(a: String, b: String, expected: String) {
        #expect(FastDecimal.multiply(dec(a), dec(b)) == dec(expected))
    }

    @Test("division is exact when the quotient terminates, else 18–19 significant digits rounded half away from zero", arguments: [
        ("-7", "0.5", "-14"),
        ("240000", "60", "4000"),
        ("0.03", "60", "0.0005"),
        ("130", "300", "0.433333333333333333"),
        ("2", "3", "0.666666666666666667"),
        ("-2", "3", "-0.666666666666666667"),
        ("1", "7", "0.142857142857142857"),
        ("2480", "4100", "0.604878048780487805"),
        ("1", "1000000", "0.000001"),
        ("5", "123456789012", "0.00000000004050000036855000335"),
        ("0", "7", "0"),
    ])
    func division(a: String, b: String, expected: String) {
        let q = FastDecimal.divide(dec(a), dec(b))
        let foundation = dec(a) / dec(b)
        let tolerance = (foundation < 0 ? -foundation : foundation) * dec("0.00000000000000001")
        #expect(q - foundation <= tolerance && foundation - q <= tolerance, "\(a) / \(b) = \(q)")
        if !expected.hasPrefix("0.0000000000") { #expect(q == dec(expected), "\(a) / \(b) = \(q)") }
    }
}
