import Testing
@testable import CAQESData

@Suite("CSV dialect detection")
struct CSVDialectDetectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let expected: CSVDialect
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "UTF-8 ;", bytes: Array("nom;ville\nÉcole;Sète\n".utf8),
             expected: CSVDialect(encoding: .utf8, separator: 0x3B)),
        Case(name: "UTF-8 BOM ,", bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8),
             expected: CSVDialect(encoding: .utf8, hasBOM: true, separator: 0x2C)),
        Case(name: "tab", bytes: Array("a\tb\tc\n1\t2\t3\n".utf8),
             expected: CSVDialect(encoding: .utf8, separator: 0x09)),
        Case(name: "Latin-1", bytes: [0x6E, 0x6F, 0x6D, 0x3B, 0x76, 0x0A, 0xC9, 0x3B, 0x31, 0x0A],
             expected: CSVDialect(encoding: .latin1, separator: 0x3B)),
        Case(name: "Windows-1252 (’)", bytes: [0x61, 0x3B, 0x62, 0x0A, 0x64, 0x92, 0x75, 0x3B, 0xE9, 0x0A],
             expected: CSVDialect(encoding: .windows1252, separator: 0x3B)),
        // Commas inside quoted names must not win over the real separator.
        Case(name: "quoted commas", bytes: Array("a;b;c\n\"x, y, z\";1;2\n\"u, v\";3;4\n".utf8),
             expected: CSVDialect(encoding: .utf8, separator: 0x3B)),
        // Decimal commas in a `,` file: the header decides and the rows agree when quoted.
        Case(name: "decimal comma in , file", bytes: Array("a,b\n\"1,5\",\"2,5\"\n".utf8),
             expected: CSVDialect(encoding: .utf8, separator: 0x2C)),
        Case(name: "one column", bytes: Array("finess\n010000024\n".utf8),
             expected: CSVDialect(encoding: .utf8, separator: 0x3B)),
    ]

    @Test(arguments: cases)
    func detectsEncodingAndSeparator(_ c: Case) throws {
        #expect(try CSVDialectDetector.detect(sample: c.bytes) == c.expected)
    }

    @Test(arguments: [[UInt8](), [0xEF, 0xBB, 0xBF], Array(" \r\n\n".utf8)])
    func anEmptyFileIsReportedAsEmpty(bytes: [UInt8]) {
        #expect(throws: CSVError.empty) { try CSVDialectDetector.detect(sample: bytes) }
        #expect(throws: CSVError.empty) { try CSVReader(data: bytes) }
    }

    @Test(arguments: [
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D],  // PNG
        [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00],  // ZIP / XLSX
        Array("a;b\n1;2\0\n".utf8),
    ] as [[UInt8]])
    func binaryContentIsRejected(bytes: [UInt8]) {
        #expect(throws: CSVError.binary) { try CSVReader(data: bytes) }
    }

    @Test func labelsAreFrench() {
        #expect(CSVDialect(encoding: .utf8, hasBOM: true, separator: 0x3B).label == "UTF-8 avec BOM, séparateur « ; »")
        #expect(CSVDialect(encoding: .latin1, separator: 0x09).label == "Latin-1 (ISO-8859-1), séparateur tabulation")
        #expect(CSVError.binary.description == "le fichier n'est pas un fichier texte CSV (contenu binaire)")
    }

    @Test func windows1252BytesDecodeToTheirCharacters() throws {
        let bytes: [UInt8] = [0x61, 0x3B, 0x62, 0x0A, 0x80, 0x92, 0x9C, 0x3B, 0xC9, 0x0A]
        let rows = try TestData.records(bytes)
        #expect(rows.rows[0].fields == ["€’œ", "É"])
    }
}

@Suite("Uploaded file kinds")
struct InputFormatTests {
    @Test(arguments: [
        ([0x1F, 0x8B, 0x08, 0x00], InputFormat.gzip),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], .xlsx),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], .xls),
        ([0x25, 0x50, 0x44, 0x46, 0x2D], .binary),
        (Array("FINESS;Statut\n010000024;Public\n".utf8), .csv),
        ([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8), .csv),
    ] as [([UInt8], InputFormat)])
    func theFirstBytesTellWhichReaderToUse(bytes: [UInt8], expected: InputFormat) {
        #expect(InputFormat.detect(prefix: bytes) == expected)
    }

    @Test(TestData.sharedFile("finess/finess_et_20210108.csv.gz"))
    func theSharedFilesAreRecognised() {
        #expect(InputFormat.detect(path: TestData.path("finess/finess_et_20210108.csv.gz")) == .gzip)
        #expect(InputFormat.detect(path: TestData.fixture("sae/ID_2022r.csv")) == .csv)
        #expect(InputFormat.detect(path: "/nonexistent") == nil)
    }
}
