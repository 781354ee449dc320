import Foundation
import Testing
@testable import CAQESData

@Suite("French numbers in cells")
struct FrenchNumberTests {
    static let numbers: [(String, Decimal)] = [
        ("248.53", Decimal(string: "248.53")!),
        ("248,53", Decimal(string: "248.53")!),
        ("        15,2", Decimal(string: "15.2")!),
        ("           0", 0),
        ("9 337", 9337),
        ("1\u{A0}234\u{A0}567,5", Decimal(string: "1234567.5")!),
        ("1\u{202F}234", 1234),
        ("-3,5", Decimal(string: "-3.5")!),
        ("+7", 7),
        ("\u{2212}2", -2),
        ("0.0", 0),
        ("3.0", 3),
        ("0,05", Decimal(string: "0.05")!),
        ("59,6 %", Decimal(string: "59.6")!),
        ("1 234,50 €", Decimal(string: "1234.5")!),
        (",5", Decimal(string: "0.5")!),
        ("1.5E3", 1500),
        ("9999999999999", 9_999_999_999_999),
        ("123456789012345678901234", Decimal(string: "123456789012345678901234")!),
    ]

    @Test(arguments: numbers)
    func numbersAreReadWithCommaOrPointAndSpacedThousands(text: String, expected: Decimal) throws {
        #expect(try FrenchNumber.parse(text) == .number(expected))
    }

    static let masks: [(String, String)] = [
        (".c", "secret statistique"),
        ("  .c ", "secret statistique"),
        (".z", "sans objet"),
        ("1 à 10", "effectif entre 1 et 10"),
        ("1\u{A0}à\u{A0}10", "effectif entre 1 et 10"),
        ("< 11", "effectif inférieur à 11"),
        ("NA", "non disponible"),
        ("nd", "non disponible"),
        ("NC", "non communiqué"),
    ]

    @Test(arguments: masks)
    func maskedValuesKeepTheirReasonAndAreNeverZero(text: String, reason: String) throws {
        #expect(try FrenchNumber.parse(text) == .masked(reason: reason))
    }

    @Test(arguments: ["", "   ", "\u{A0}"])
    func blankCellsAreEmpty(text: String) throws {
        #expect(try FrenchNumber.parse(text) == .empty)
    }

    static let garbage: [(String, NumberError)] = [
        ("12,3,4", .severalDecimalSeparators("12,3,4")),
        ("1.234,5", .severalDecimalSeparators("1.234,5")),
        ("abc", .notANumber("abc")),
        ("12abc", .notANumber("12abc")),
        ("12 34", .badGrouping("12 34")),
        ("1 2345", .badGrouping("1 2345")),
        ("-", .notANumber("-")),
    ]

    @Test(arguments: garbage)
    func garbageIsAnErrorThatNamesTheValue(text: String, error: NumberError) {
        #expect(throws: error) { try FrenchNumber.parse(text) }
    }

    static let scaled: [(String, Int64?)] = [
        ("248.53", 24853), ("248,5", 24850), (" 12 ", 1200), ("-0.01", -1), ("3.0", 300), ("0", 0),
        ("1.234", nil), ("1 234", nil), (".c", nil), ("", nil), ("12,3,4", nil), ("9999999999999999999", nil),
    ]

    @Test(arguments: scaled)
    func amountsReadAsCentsWithoutDecimal(text: String, cents: Int64?) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { FrenchNumber.scaledInteger($0, scale: 2) } == cents)
    }

    @Test func anErrorBecomesARowProblem() {
        let problem = NumberError.severalDecimalSeparators("12,3,4").rowProblem(line: 12, column: "P12")
        #expect(problem.description == "ligne 12, colonne P12 : valeur « 12,3,4 » — plusieurs séparateurs décimaux")
    }
}
