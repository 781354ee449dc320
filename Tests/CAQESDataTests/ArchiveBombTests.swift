#if canImport(ZIPFoundation)
import Foundation
import Testing
@testable import CAQESData

/// Hostile uploads built on the spot (nothing big is committed): archives that inflate far beyond
/// their size, XML parts that declare a DOCTYPE, sheets past the row and cell limits, gzip bombs.
@Suite("Archive bombs and hostile parts")
struct ArchiveBombTests {
    /// A valid sheet of `rows` identical rows under a header: megabytes that deflate to kilobytes.
    static func repetitiveSheet(rows: Int) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet \(XLSXFixture.main)><sheetData>"
            + "<row><c t=\"inlineStr\"><is><t>FINESS</t></is></c></row>"
            + String(repeating: "<row><c><v>0</v></c></row>", count: rows)
            + "</sheetData></worksheet>"
    }

    static func workbook(sheet: String, limits: ReadLimits = .standard) throws -> XLSXWorkbook {
        var parts = XLSXFixture.parts()
        parts["xl/worksheets/sheet1.xml"] = sheet
        return try XLSXWorkbook(data: try XLSXWorkbookTests.archive(parts), limits: limits)
    }

    static func refusal(_ body: () throws -> Void) -> XLSXError? {
        do { try body() } catch let error as XLSXError { return error } catch { return nil }
        return nil
    }

    @Test func aSheetThatInflatesBeyondTheRatioIsRefusedNamingThePart() throws {
        // 200,000 identical rows: about 5 MB of XML in a few kilobytes.
        let error = Self.refusal { _ = try Self.workbook(sheet: Self.repetitiveSheet(rows: 200_000)).table() }
        let refusal = try #require(error)
        guard case .refused(let part, let reason) = refusal else { Issue.record("not refused: \(refusal)"); return }
        #expect(part == "xl/worksheets/sheet1.xml")
        #expect(reason.hasPrefix("se décompresse en plus de ") && reason.contains("compressés (rapport supérieur à 100:1, archive piégée)"))
        #expect(refusal.description.hasPrefix("classeur refusé : la partie xl/worksheets/sheet1.xml se décompresse en plus de"))
    }

    @Test func theSameSheetReadsWhenTheRatioIsRaised() throws {
        let limits = ReadLimits(maximumRatio: 100_000)
        let table = try Self.workbook(sheet: Self.repetitiveSheet(rows: 200_000), limits: limits).table()
        #expect(table.records.count == 200_000)
    }

    @Test func theWorkbookTotalIsCappedAcrossItsParts() throws {
        let limits = ReadLimits(maximumInflatedBytes: 4_096, maximumRatio: 100_000)
        let error = Self.refusal { _ = try Self.workbook(sheet: Self.repetitiveSheet(rows: 1_000), limits: limits).table() }
        let refusal = try #require(error)
        guard case .refused(let part, let reason) = refusal else { Issue.record("not refused: \(refusal)"); return }
        #expect(part == "xl/worksheets/sheet1.xml")
        #expect(reason.contains("la limite de 4 Kio décompressés"))
    }

    static let hostileParts = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
                               "xl/worksheets/sheet1.xml"]

    /// The billion-laughs preamble, placed after the XML declaration of one part.
    @Test(arguments: hostileParts)
    func aDoctypeIsRefusedInEveryPartThatIsRead(part: String) throws {
        var parts = XLSXFixture.parts()
        let declaration = "standalone=\"yes\"?>"
        let doctype = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
        let original = try #require(parts[part])
        #expect(original.contains(declaration))
        parts[part] = original.replacingOccurrences(of: declaration, with: declaration + doctype)
        let error = Self.refusal {
            let workbook = try XLSXWorkbook(data: try XLSXWorkbookTests.archive(parts))
            _ = try workbook.table()
        }
        let refusal = try #require(error)
        #expect(refusal == .refused(part: part, reason: "contient une déclaration DOCTYPE ou ENTITY (refusée : pas d'expansion d'entités)"))
    }

    @Test func aSheetPastTheRowLimitIsRefused() throws {
        let limits = ReadLimits(maximumRows: 1_000)
        let error = Self.refusal { _ = try Self.workbook(sheet: Self.repetitiveSheet(rows: 1_000), limits: limits).table() }
        #expect(error == .refused(part: "xl/worksheets/sheet1.xml", reason: "a plus de 1\u{202F}000 lignes (limite par feuille)"))
        // The header and 999 rows are exactly 1,000 rows.
        #expect(try Self.workbook(sheet: Self.repetitiveSheet(rows: 999), limits: limits).table().records.count == 999)
    }

    @Test func cellsFarRightArePaddedOnlyWithinTheCellLimit() throws {
        let sheet = "<worksheet \(XLSXFixture.main)><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
            + String(repeating: "<row><c r=\"XFD1\"><v>1</v></c></row>", count: 100) + "</sheetData></worksheet>"
        let error = Self.refusal { _ = try Self.workbook(sheet: sheet, limits: ReadLimits(maximumCells: 1_000_000)).rows() }
        #expect(error == .refused(part: "xl/worksheets/sheet1.xml", reason: "a plus de 1\u{202F}000\u{202F}000 cellules (limite par feuille)"))
    }

    @Test func aReferenceBeyondTheLastExcelColumnIsRefusedNotAnOverflow() throws {
        let sheet = "<worksheet \(XLSXFixture.main)><sheetData><row r=\"2\"><c r=\"ZZZZZZZZZZZZZZZZZZZZ2\"><v>1</v></c></row>"
            + "</sheetData></worksheet>"
        let error = Self.refusal { _ = try Self.workbook(sheet: sheet).rows() }
        #expect(error == .refused(part: "xl/worksheets/sheet1.xml",
                                  reason: "a une cellule au-delà de la dernière colonne d'Excel (XFD) en ligne 2"))
    }

    // MARK: gzip

    /// Writes `bytes` gzip-compressed to a temporary `.gz` file.
    static func gzipFile(_ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("caqes-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let plain = directory.appendingPathComponent("donnees.csv")
        try Data(bytes).write(to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-9", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        return plain.path + ".gz"
    }

    @Test func aGzipOfZerosIsRefusedWhileStreamingAndItsProcessKilled() throws {
        let path = try Self.gzipFile([UInt8](repeating: 0, count: 16 << 20))
        let source = try GzipByteSource(path: path)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var error: CSVError?
        do {
            while try buffer.withUnsafeMutableBytes({ buffer throws(CSVError) in try source.read(into: buffer) }) > 0 {}
        } catch let refusal as CSVError {
            error = refusal
        }
        let refusal = try #require(error)
        #expect(refusal.description.hasPrefix("fichier refusé : donnees.csv.gz se décompresse en plus de "))
        #expect(refusal.description.contains("compressés (rapport supérieur à 100:1, archive piégée)"))
        // Refused at 100 times the compressed size (about 16 Kio here), not after 16 Mio.
        #expect(source.inflatedBytes <= source.compressedBytes * 100 + (64 << 10))
        #expect(!source.process.isRunning)
    }

    @Test func aRepetitiveGzipCSVIsRefusedByTheReader() throws {
        let text = "finess;mesure;annee;valeur\n" + String(repeating: "010000024;m;2023;1\n", count: 400_000)
        let reader = try CSVReader(path: try Self.gzipFile(Array(text.utf8)))
        #expect(throws: CSVError.self) { try reader.readAll() }
        do { _ = try reader.readAll() } catch { #expect(error.description.contains("rapport supérieur à 100:1")) }
    }

    @Test func theAbsoluteCapAppliesWhateverTheRatio() throws {
        var generator = SystemRandomNumberGenerator()
        let text = "a;b\n" + (0..<20_000).map { _ in "\(UInt32.random(in: 0...UInt32.max, using: &generator));x\n" }.joined()
        let limits = ReadLimits(maximumInflatedBytes: 64 << 10, maximumRatio: 1_000_000)
        let path = try Self.gzipFile(Array(text.utf8))
        #expect(throws: CSVError.refused("donnees.csv.gz se décompresse en plus de 64 Kio (limite par fichier compressé)")) {
            _ = try CSVReader(path: path, limits: limits).readAll()
        }
        #expect(try CSVReader(path: path).readAll().count == 20_000)
    }
}
#endif
