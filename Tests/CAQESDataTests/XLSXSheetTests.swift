import Foundation
import Testing
@testable import CAQESData

/// The XML of one sheet, parsed without the archive around it.
@Suite("XLSX sheet parts")
struct XLSXSheetTests {
    func parsedSheet() throws -> [XLSXRow] {
        var strings = SharedStringsParser()
        try strings.parse(Data(XLSXFixture.sharedStrings.utf8), part: "sharedStrings")
        var styles = StylesParser()
        try styles.parse(Data(XLSXFixture.styles.utf8), part: "styles")
        var sheet = SheetParser(sharedStrings: strings.strings, formats: styles.formats, date1904: false)
        try sheet.parse(Data(XLSXFixture.sheet.utf8), part: "sheet1")
        return sheet.rows
    }

    @Test func sharedStringsJoinRichTextRunsAndDropPhoneticGuides() throws {
        var strings = SharedStringsParser()
        try strings.parse(Data(XLSXFixture.sharedStrings.utf8), part: "sharedStrings")
        #expect(strings.strings[5] == "CH DE FLEYRIAT")
        #expect(strings.strings[6] == "Catégorie")
    }

    @Test func cellsAreTypedFromTheirTypeAndStyle() throws {
        let rows = try parsedSheet()
        #expect(rows.map(\.number) == [1, 3, 4, 5, 6, 7])
        let data = rows[2].cells
        #expect(data[0] == .text("010000024"))  // number styled 000000000: the FINESS keeps its zero
        #expect(data[1] == .text("CH DE FLEYRIAT"))
        #expect(data[2] == .number(355))
        #expect(data[3] == .date(ExcelDate(year: 2024, month: 3, day: 1)))
        #expect(data[4] == .number(Decimal(string: "0.3")!))
        #expect(data[5] == .boolean(true))
        #expect(data[6] == .empty)
        #expect(data[7] == .text("note hors tableau"))
        let second = rows[3].cells
        #expect(second[0] == .text("2A0000"))  // a formula gives its cached value
        #expect(second[1] == .text("L'HÔPITAL & Cie"))
        #expect(second[2] == .empty)
        #expect(second[3].text == "2024-01-01 12:00:00")
        #expect(second[4] == .error("#N/A"))
        #expect(rows[4].cells.isEmpty)
    }

    @Test func theTableStartsAtTheHeaderBelowTheTitleAndKeepsSheetRowNumbers() throws {
        let table = try XLSXTable(sheetName: "Données", rows: try parsedSheet())
        #expect(table.headerRowNumber == 3)
        #expect(table.header == ["FINESS", "Raison sociale", "Catégorie", "Date de signature", "Taux", "Signé ?"])
        #expect(table.records.map(\.line) == [4, 5, 7])
        #expect(table.records[0].fields == ["010000024", "CH DE FLEYRIAT", "355", "2024-03-01", "0.3", "VRAI"])
        #expect(table.records[2].fields == ["", "", "-1.5", "", "", ""])
        #expect(try table.records[0].cellValue(4) == .number(Decimal(string: "0.3")!))
        #expect(table.columnIndex("categorie") == 2)
        #expect(throws: XLSXError.missingColumns(["Région"], available: table.header)) {
            try table.requireColumns(["FINESS", "Région"])
        }
    }

    @Test func aGivenHeaderRowIsUsed() throws {
        let table = try XLSXTable(sheetName: "Données", rows: try parsedSheet(), headerRow: 1)
        #expect(table.header == ["Tableau 1 : activité 2024"])
        #expect(table.records.count == 3)
    }

    @Test func brokenXMLNamesThePart() {
        var parser = SharedStringsParser()
        #expect {
            try parser.parse(Data("<sst><si><t>x</si>".utf8), part: "xl/sharedStrings.xml")
        } throws: { error in
            if case .malformed(part: "xl/sharedStrings.xml", reason: _) = error as? XLSXError { return true }
            return false
        }
    }

    @Test func columnReferencesBecomeIndexes() {
        #expect(SheetParser.columnIndex("A1") == 0)
        #expect(SheetParser.columnIndex("Z9") == 25)
        #expect(SheetParser.columnIndex("AB12") == 27)
        #expect(SheetParser.columnIndex("12") == nil)
    }
}
