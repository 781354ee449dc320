#if canImport(ZIPFoundation)
import Foundation
import CAQESTestSupport
import Testing
import ZIPFoundation
@testable import CAQESData

@Suite("XLSX writer")
struct XLSXWriterTests {
    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    static let comment = "Coût ; \"urgent\" <&> 'é' à ç € _x0041_"

    /// A French export with every kind of cell: accents, guillemets, `;`, quotes, markup
    /// characters, Excel's `_xHHHH_` escape written literally, a control character to drop,
    /// amounts that `Double` cannot hold exactly, a percentage, dates and empty cells.
    static func sample() -> XLSXWriter {
        var writer = XLSXWriter()
        writer.title = "Résultats « CAQES » 2024"
        writer.addSheet(
            name: "Données",
            columns: [.init(title: "Établissement"), .init(title: "Commentaire", width: 30),
                      .init(title: "Montant"), .init(title: "Taux"), .init(title: "Date"), .init(title: "Nombre")],
            rows: [
                [.text("Centre hospitalier « Les Tilleuls »"), .text(comment), .money(decimal("1234567.89")),
                 .percent(decimal("0.125")), .date(year: 2024, month: 3, day: 1), .number(decimal("0.3"))],
                [.text("Clinique de l'Étang"), .empty, .money(decimal("-0.5")), .percent(1),
                 .date(year: 2023, month: 12, day: 31), .number(decimal("1234567.89"))],
                [.text("  deux lignes\u{7}\net un blanc "), .text("=1+1")],
            ])
        writer.addSheet(name: "Notes", columns: [.init(title: "Source")], rows: [[.text("DREES")]])
        return writer
    }

    static func part(_ path: String, of data: Data) throws -> String {
        let archive = try Archive(data: data, accessMode: .read)
        let entry = try #require(archive[path])
        var bytes = Data()
        _ = try archive.extract(entry) { bytes.append($0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aWrittenWorkbookReadsBackWithTheSameValues() throws {
        let workbook = try XLSXWorkbook(data: try Self.sample().data())
        #expect(workbook.sheetNames == ["Données", "Notes"])

        let (name, rows) = try workbook.rows(sheet: "Données")
        #expect(name == "Données")
        #expect(rows.map(\.number) == [1, 2, 3, 4])
        #expect(rows[0].cells == ["Établissement", "Commentaire", "Montant", "Taux", "Date", "Nombre"].map(XLSXCell.text))
        #expect(rows[1].cells == [
            .text("Centre hospitalier « Les Tilleuls »"), .text(Self.comment), .number(Self.decimal("1234567.89")),
            .number(Self.decimal("0.125")), .date(ExcelDate(year: 2024, month: 3, day: 1)), .number(Self.decimal("0.3")),
        ])
        #expect(rows[2].cells == [
            .text("Clinique de l'Étang"), .empty, .number(Self.decimal("-0.5")), .number(1),
            .date(ExcelDate(year: 2023, month: 12, day: 31)), .number(Self.decimal("1234567.89")),
        ])
        // The bell character is dropped; spaces and the line break are kept; a formula stays text.
        #expect(rows[3].cells == [.text("  deux lignes\net un blanc "), .text("=1+1")])

        let table = try workbook.table()
        #expect(table.header == ["Établissement", "Commentaire", "Montant", "Taux", "Date", "Nombre"])
        #expect(table.records.map(\.line) == [2, 3, 4])
        #expect(table.records[0].fields == ["Centre hospitalier « Les Tilleuls »", Self.comment, "1234567.89",
                                            "0.125", "2024-03-01", "0.3"])
        #expect(table.records[1].fields == ["Clinique de l'Étang", "", "-0.5", "1", "2023-12-31", "1234567.89"])
        #expect(try workbook.table(sheet: "Notes").records.map(\.fields) == [["DREES"]])
    }

    @Test func theHeaderIsBoldFrozenAndFilteredAndCellsCarryTheirFormats() throws {
        let data = try Self.sample().data()
        let sheet = try Self.part("xl/worksheets/sheet1.xml", of: data)
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheet.contains("<autoFilter ref=\"A1:F4\"/>"))
        #expect(sheet.contains("<col min=\"2\" max=\"2\" width=\"30\" customWidth=\"1\"/>"))
        #expect(sheet.contains("<c r=\"A1\" s=\"1\" t=\"s\">"))
        #expect(sheet.contains("<c r=\"C2\" s=\"2\"><v>1234567.89</v></c>"))
        #expect(sheet.contains("<c r=\"D2\" s=\"3\"><v>0.125</v></c>"))
        #expect(sheet.contains("<c r=\"E2\" s=\"4\"><v>45352</v></c>"))
        #expect(sheet.contains("<c r=\"F2\"><v>0.3</v></c>"))
        #expect(!sheet.contains("r=\"B3\""), "an empty cell is not written")
        let styles = try Self.part("xl/styles.xml", of: data)
        #expect(styles.contains("formatCode=\"#,##0.00\\ &quot;€&quot;\""))
        #expect(styles.contains("formatCode=\"0.00%\"") && styles.contains("formatCode=\"dd/mm/yyyy\""))
        #expect(styles.contains("<font><b/>"))
        let strings = try Self.part("xl/sharedStrings.xml", of: data)
        #expect(strings.contains("Coût ; &quot;urgent&quot; &lt;&amp;&gt; &apos;é&apos; à ç € _x005F_x0041_"))
        let workbook = try Self.part("xl/workbook.xml", of: data)
        #expect(workbook.contains("&apos;Données&apos;!$A$1:$F$4</definedName>"))
        #expect(try Self.part("docProps/core.xml", of: data).contains("<dc:title>Résultats « CAQES » 2024</dc:title>"))
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        var first = Self.sample(), second = Self.sample()
        first.created = ExcelDate(year: 2024, month: 3, day: 1, secondOfDay: 3600)
        second.created = first.created
        let data = try first.data()
        #expect(data == (try second.data()))
        #expect(try Self.sample().data() == (try Self.sample().data()))
        // Every entry carries the fixed date, not the time of writing.
        let archive = try Archive(data: data, accessMode: .read)
        let dates = Set(archive.map { $0.fileAttributes[.modificationDate] as? Date })
        #expect(dates == [Date(timeIntervalSince1970: 315_532_800)])
        #expect(archive.map(\.path).first == "[Content_Types].xml")
        #expect(try Self.part("docProps/core.xml", of: data).contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-03-01T01:00:00Z</dcterms:created>"))
    }

    @Test func sheetNamesAreMadeValidAndUnique() throws {
        var writer = XLSXWriter()
        #expect(writer.addSheet(name: "Résultats 2024/2025 : [détail]", columns: [], rows: []) == "Résultats 2024-2025 - -détail-")
        #expect(writer.addSheet(name: "Un nom beaucoup trop long pour un onglet Excel", columns: [], rows: [])
                == "Un nom beaucoup trop long pour")
        #expect(writer.addSheet(name: "un nom beaucoup trop long pour un autre onglet", columns: [], rows: [])
                == "un nom beaucoup trop long p (2)")
        #expect(writer.addSheet(name: "'Synthèse'", columns: [], rows: []) == "Synthèse")
        #expect(writer.addSheet(name: "SYNTHÈSE", columns: [], rows: []) == "SYNTHÈSE (2)")
        #expect(writer.addSheet(name: "History", columns: [], rows: []) == "History (2)")
        #expect(writer.addSheet(name: " \u{1}", columns: [], rows: []) == "Feuille 7")
        #expect(writer.sheetNames.allSatisfy { $0.utf16.count <= 31 })
        let workbook = try XLSXWorkbook(data: try writer.data())
        #expect(workbook.sheetNames == writer.sheetNames)
    }

    @Test func valuesASpreadsheetCannotHoldAreRefusedNamingTheCell() {
        #expect(throws: XLSXWriterError.noSheet) { try XLSXWriter().data() }
        var dates = XLSXWriter()
        dates.addSheet(name: "Dates", columns: [.init(title: "Date")], rows: [[.date(year: 2023, month: 2, day: 29)]])
        #expect(throws: XLSXWriterError.invalidDate(sheet: "Dates", cell: "A2", year: 2023, month: 2, day: 29)) {
            try dates.data()
        }
        var early = XLSXWriter()
        early.addSheet(name: "Dates", columns: [], rows: [[.date(year: 1900, month: 2, day: 28)]])
        #expect(throws: XLSXWriterError.invalidDate(sheet: "Dates", cell: "A1", year: 1900, month: 2, day: 28)) {
            try early.data()
        }
        var numbers = XLSXWriter()
        numbers.addSheet(name: "Montants", columns: [.init(title: "A"), .init(title: "B")], rows: [[.empty, .money(.nan)]])
        #expect(throws: XLSXWriterError.invalidNumber(sheet: "Montants", cell: "B2")) { try numbers.data() }
        var text = XLSXWriter()
        text.addSheet(name: "Texte", columns: [], rows: [[.text(String(repeating: "é", count: 32_768))]])
        #expect(throws: XLSXWriterError.textTooLong(sheet: "Texte", cell: "A1", length: 32_768)) { try text.data() }
        #expect(XLSXWriterError.invalidDate(sheet: "Dates", cell: "A2", year: 2023, month: 2, day: 29).description
                == "feuille « Dates », cellule A2 : la date 29/02/2023 n'existe pas ou sort des dates qu'un tableur peut écrire (du 01/03/1900 au 31/12/9999)")
    }

    @Test func datesAreExcelSerials() {
        #expect(XLSXWriter.serial(year: 1900, month: 3, day: 1) == 61)
        #expect(XLSXWriter.serial(year: 2024, month: 2, day: 29) == 45351)
        #expect(XLSXWriter.serial(year: 9999, month: 12, day: 31) == 2_958_465)
        #expect(XLSXWriter.serial(year: 2100, month: 2, day: 29) == nil)
        #expect(ExcelDate(serial: Double(XLSXWriter.serial(year: 2024, month: 12, day: 31)!)) == ExcelDate(year: 2024, month: 12, day: 31))
        #expect(["A", "Z", "AA", "AZ", "BA", "XFD"] == [0, 25, 26, 51, 52, 16_383].map(XLSXWriter.columnName))
    }

    /// LibreOffice opens the file and shows each cell with its format. The conversion runs in the
    /// C locale (English separators) with a throwaway profile, so the expected text is fixed.
    @Test(.enabled(if: LibreOffice.path != nil,
                   "LibreOffice absent (apt-get install -y libreoffice-calc-nogui) : test non exécuté"),
          .timeLimit(.minutes(3)))
    func libreOfficeShowsTheCellsWithTheirFormats() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("export.xlsx")
        try Self.sample().data().write(to: file)

        let csv = try LibreOffice.convertToCSV(file, in: directory)
        #expect(csv.count == 2, "one CSV per sheet: \(csv.keys.sorted())")
        #expect(csv["Données"] == """
            Établissement;Commentaire;Montant;Taux;Date;Nombre
            Centre hospitalier « Les Tilleuls »;"Coût ; ""urgent"" <&> 'é' à ç € _x0041_";1,234,567.89 €;12.50%;01/03/2024;0.3
            Clinique de l'Étang;;-0.50 €;100.00%;31/12/2023;1234567.89
            "  deux lignes
            et un blanc ";=1+1;;;;

            """)
        #expect(csv["Notes"] == "Source\nDREES\n")
    }
}
#endif
