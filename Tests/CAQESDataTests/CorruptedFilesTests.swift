import Foundation
import Testing
@testable import CAQESData

/// Real files damaged the way uploads get damaged: cut, re-exported, re-encoded, or not CSV at all.
/// The committed copies in Tests/Fixtures/, and the full gzip extract of the shared data.
@Suite("Damaged copies of real files")
struct CorruptedFilesTests {
    @Test func aFileCutInsideAQuotedFieldReportsTheLineOfThatRecord() throws {
        let bytes = try TestData.fixtureBytes("hospidiag/hd2022.csv")
        // Cut just after an opening quote of a padded number, in the second half of the file.
        let opening = try #require((bytes.count / 2..<bytes.count).first { bytes[$0] == 0x22 && bytes[$0 - 1] == 0x2C })
        let cut = Array(bytes[...opening]) + Array("   12".utf8)
        let line = TestData.lineCount(Array(bytes[..<opening])) + 1
        let reader = try CSVReader(data: cut)
        #expect(throws: CSVError.unterminatedQuote(line: line)) { try reader.readAll() }
    }

    @Test func aFileCutAtTheEndOfALineStillReadsItsCompleteRecords() throws {
        let bytes = try TestData.fixtureBytes("finess/etablissements_sante_statapp.csv")
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let kept = Array(lines[0..<101].joined(separator: [0x0A]))
        #expect(try TestData.records(kept).rows.count == 100)
    }

    @Test func aCommaReExportIsDetectedAsComma() throws {
        let original = try TestData.records(try TestData.fixtureBytes("finess/etablissements_sante_statapp.csv"))
        let commas = Self.write(header: original.header, rows: original.rows.map(\.fields), separator: ",")
        let reader = try CSVReader(data: commas)
        #expect(reader.dialect.separator == 0x2C)
        #expect(reader.header == original.header)
        #expect(try reader.readAll().map(\.fields) == original.rows.map(\.fields))
    }

    @Test func forcingTheWrongSeparatorReportsMissingColumns() throws {
        let original = try TestData.records(try TestData.fixtureBytes("finess/etablissements_sante_statapp.csv"))
        let commas = Self.write(header: original.header, rows: original.rows.map(\.fields), separator: ",")
        let reader = try CSVReader(data: commas, dialect: CSVDialect(encoding: .utf8, separator: 0x3B))
        #expect(reader.header.count == 1)
        #expect(throws: CSVError.missingColumns(["FINESS", "Statut Juridique"], available: reader.header)) {
            try reader.requireColumns(["FINESS", "Statut Juridique"])
        }
    }

    @Test func rowsWithAnotherSeparatorThanTheHeaderFailOnTheFirstRow() throws {
        let original = try TestData.records(try TestData.fixtureBytes("finess/etablissements_sante_statapp.csv"))
        var bytes = Array((original.header.joined(separator: ";") + "\n").utf8)
        bytes += Self.write(header: nil, rows: original.rows.map(\.fields), separator: ",")
        let reader = try CSVReader(data: bytes)
        #expect(reader.dialect.separator == 0x3B)
        #expect(throws: CSVError.wrongFieldCount(line: 2, expected: 5, found: 1)) { try reader.next() }
    }

    @Test func aLatin1CopyOfAUTF8FileDecodesToTheSameText() throws {
        let utf8 = try TestData.fixtureBytes("finess/etablissements_sante_statapp.csv")
        let text = String(decoding: utf8, as: UTF8.self)
        let latin1 = try #require(text.data(using: .isoLatin1))
        let original = try TestData.records(utf8)
        let reader = try CSVReader(data: latin1)
        #expect(reader.dialect.encoding == .latin1)
        #expect(reader.header == original.header)
        #expect(try reader.readAll().map(\.fields) == original.rows.map(\.fields))
    }

    @Test(arguments: [64, 1000, 4096, 65_536])
    func smallBuffersReadTheSameRecords(chunkSize: Int) throws {
        let bytes = try TestData.fixtureBytes("hospidiag/hd2022.csv")
        let whole = try TestData.records(bytes)
        let chunked = try TestData.records(bytes, chunkSize: chunkSize, dialect: CSVDialect(encoding: .utf8, separator: 0x2C))
        #expect(chunked.rows == whole.rows)
        #expect(chunked.rows.count == 1490)
    }

    @Test func emptyAndBinaryFilesOnDiskAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory
        let empty = directory.appendingPathComponent("caqesdata-empty-\(getpid()).csv")
        let png = directory.appendingPathComponent("caqesdata-image-\(getpid()).csv")
        try Data().write(to: empty)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]).write(to: png)
        defer { try? FileManager.default.removeItem(at: empty); try? FileManager.default.removeItem(at: png) }
        #expect(throws: CSVError.empty) { try CSVReader(path: empty.path) }
        #expect(throws: CSVError.binary) { try CSVReader(path: png.path) }
    }

    @Test(TestData.sharedFile("finess/finess_et_20210108.csv.gz"))
    func aTruncatedGzipFileIsUnreadable() throws {
        let bytes = try TestData.bytes("finess/finess_et_20210108.csv.gz")
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("caqesdata-cut-\(getpid()).csv.gz")
        try Data(bytes[..<(bytes.count / 2)]).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let reader = try CSVReader(path: cut.path)
        #expect(throws: CSVError.unreadable("archive gzip corrompue ou tronquée (\(cut.path))")) {
            while try reader.advance() {}
        }
    }

    /// Writes CSV with RFC 4180 quoting.
    static func write(header: [String]?, rows: [[String]], separator: Character) -> [UInt8] {
        func quoted(_ field: String) -> String {
            guard field.contains(separator) || field.contains("\"") || field.contains("\n") else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var text = ""
        for row in (header.map { [$0] } ?? []) + rows {
            text += row.map(quoted).joined(separator: String(separator)) + "\n"
        }
        return Array(text.utf8)
    }
}
