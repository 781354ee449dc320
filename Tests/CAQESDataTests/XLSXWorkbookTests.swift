#if canImport(ZIPFoundation)
import Foundation
import Testing
import ZIPFoundation
@testable import CAQESData

@Suite("XLSX workbooks")
struct XLSXWorkbookTests {
    static func archive(_ parts: [String: String]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    @Test func sheetsAreListedAndTheFirstIsTheDefault() throws {
        let workbook = try XLSXWorkbook(data: try Self.archive(XLSXFixture.parts()))
        #expect(workbook.sheetNames == ["Données", "Notice"])
        let table = try workbook.table()
        #expect(table.sheetName == "Données")
        #expect(table.records.count == 3)
        #expect(table.records[0][3] == "2024-03-01")
    }

    @Test func aSheetIsFoundByNameIgnoringCaseAndAccents() throws {
        let workbook = try XLSXWorkbook(data: try Self.archive(XLSXFixture.parts()))
        let notice = try workbook.table(sheet: "notice")
        #expect(notice.header == ["Source"])
        #expect(notice.records.map(\.fields) == [["DREES"]])
        #expect(try workbook.table(sheet: "donnees").sheetName == "Données")
        #expect(throws: XLSXError.sheetNotFound("Annexe", available: ["Données", "Notice"])) {
            try workbook.table(sheet: "Annexe")
        }
    }

    @Test func the1904DateSystemShiftsDates() throws {
        let workbook = try XLSXWorkbook(data: try Self.archive(XLSXFixture.parts(date1904: true)))
        #expect(try workbook.table().records[0][3] == "2028-03-02")
    }

    @Test(arguments: [Data("a;b\n1;2\n".utf8), Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])])
    func aFileThatIsNotAWorkbookIsRefused(data: Data) {
        #expect(throws: XLSXError.notAWorkbook) { try XLSXWorkbook(data: data) }
    }

    @Test func aZipWithoutWorkbookIsRefused() throws {
        let data = try Self.archive(["word/document.xml": "<document/>"])
        #expect(throws: XLSXError.notAWorkbook) { try XLSXWorkbook(data: data) }
    }

    /// The Excel original of the status list, when the shared data holds it, reads as its CSV copy.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestData.path("finess/etablissements_sante_statapp.xlsx"))))
    func theExcelStatusListReadsLikeItsCSVCopy() throws {
        let table = try XLSXWorkbook(path: TestData.path("finess/etablissements_sante_statapp.xlsx")).table()
        let csv = try CSVReader(path: TestData.fixture("finess/etablissements_sante_statapp.csv"))
        #expect(table.header == csv.header)
        #expect(table.records == (try csv.readAll()))
    }
}
#endif
