import Foundation
import Testing
@testable import CAQESData

@Suite("Spreadsheet dates and number formats")
struct ExcelDateTests {
    static let serials: [(Double, Bool, String)] = [
        (1, false, "1900-01-01"),
        (59, false, "1900-02-28"),
        (60, false, "1900-02-29"),  // the day Lotus 1-2-3 invented, kept by Excel
        (61, false, "1900-03-01"),
        (45292, false, "2024-01-01"),
        (45352, false, "2024-03-01"),
        (45352.5, false, "2024-03-01 12:00:00"),
        (45352.354166666664, false, "2024-03-01 08:30:00"),
        (0, true, "1904-01-01"),
        (43830, true, "2024-01-01"),
    ]

    @Test(arguments: serials)
    func serialNumbersBecomeCalendarDates(serial: Double, date1904: Bool, expected: String) throws {
        #expect(try #require(ExcelDate(serial: serial, date1904: date1904)).description == expected)
    }

    @Test func isoDatesAreRead() {
        #expect(ExcelDate(iso: "2024-03-01T08:30:00")?.description == "2024-03-01 08:30:00")
        #expect(ExcelDate(iso: "2024-13-01") == nil)
    }

    static let formats: [(String, XLSXNumberFormat)] = [
        ("dd/mm/yyyy", .date),
        ("[$-40C]d mmmm yyyy;@", .date),
        ("hh:mm", .date),
        ("#,##0.00\\ \"€\"", .general),
        ("0.0%", .general),
        ("[Red]0.00", .general),
        ("\"day\" 0", .general),
        ("000000000", .zeroPadded(width: 9)),
    ]

    @Test(arguments: formats)
    func customFormatsAreClassified(code: String, expected: XLSXNumberFormat) {
        #expect(XLSXNumberFormat.custom(code) == expected)
    }

    @Test func builtInDateFormatsAreRecognised() {
        #expect(XLSXNumberFormat.builtIn(14) == .date)
        #expect(XLSXNumberFormat.builtIn(22) == .date)
        #expect(XLSXNumberFormat.builtIn(4) == .general)
    }

    @Test func storedDoublesAreRoundedTo15SignificantDigits() {
        #expect(XLSXCell.number(fromStored: "0.30000000000000004") == Decimal(string: "0.3"))
        #expect(XLSXCell.number(fromStored: "248.53") == Decimal(string: "248.53"))
        #expect(XLSXCell.number(fromStored: "26010004500012") == Decimal(26_010_004_500_012))
        #expect(XLSXCell.number(fromStored: "-1.5E-3") == Decimal(string: "-0.0015"))
        #expect(XLSXCell.number(fromStored: "46.22274479119414") == Decimal(string: "46.2227447911941"))
        #expect(XLSXCell.number(fromStored: "5.2085961326419605") == Decimal(string: "5.20859613264196"))
        #expect(XLSXCell.number(fromStored: "0.99999999999999989") == 1)
        #expect(XLSXCell.number(fromStored: "12345678901234567890") == Decimal(string: "12345678901234600000"))
        #expect(XLSXCell.number(fromStored: "0.000123") == Decimal(string: "0.000123"))
        #expect(XLSXCell.number(fromStored: "1E+20") == Decimal(string: "100000000000000000000"))
        #expect(XLSXCell.number(fromStored: "0") == 0)
        #expect(XLSXCell.number(fromStored: "abc") == nil)
    }
}
