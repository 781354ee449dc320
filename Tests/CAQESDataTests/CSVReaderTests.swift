import Testing
@testable import CAQESData

@Suite("CSV reader: records and fields")
struct CSVReaderTests {
    @Test func headerIsTrimmedAndRecordsKeepTheirSpaces() throws {
        let reader = try TestData.reader(" a ; b ;c\n x ;y;\n")
        #expect(reader.header == ["a", "b", "c"])
        let record = try #require(try reader.next())
        #expect(record.fields == [" x ", "y", ""])
        #expect(record.trimmed(0) == "x")
        #expect(record.isBlank(2))
        #expect(record.line == 2)
        #expect(try reader.next() == nil)
    }

    @Test func quotedFieldsUnescapeDoubledQuotesAndKeepSeparatorsAndNewlines() throws {
        let text = "id;name;note\r\n1;\"CH \"\"Saint-Jean\"\"\";\"a;b\"\r\n2;\"two\r\nlines\";\"\"\r\n3;x;y\r\n"
        let reader = try TestData.reader(text)
        let rows = try reader.readAll()
        #expect(rows.map(\.fields) == [
            ["1", "CH \"Saint-Jean\"", "a;b"],
            ["2", "two\r\nlines", ""],
            ["3", "x", "y"],
        ])
        #expect(rows.map(\.line) == [2, 3, 5])
    }

    @Test func blankLinesAndAMissingFinalNewlineAreAccepted() throws {
        let rows = try TestData.reader("a;b\n\n1;2\r\n\r\n3;4").readAll()
        #expect(rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(rows.map(\.line) == [3, 5])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() throws {
        let rows = try TestData.reader("a;b\nL\"HOPITAL;\"x\"y\n").readAll()
        #expect(rows[0].fields == ["L\"HOPITAL", "xy"])
    }

    @Test func aRecordWithTooFewFieldsIsAnErrorNamingItsLine() throws {
        let reader = try TestData.reader("a;b;c\n1;2;3\n4;5\n")
        _ = try reader.next()
        #expect(throws: CSVError.wrongFieldCount(line: 3, expected: 3, found: 2)) { try reader.next() }
        #expect(CSVError.wrongFieldCount(line: 3, expected: 3, found: 2).description
            == "ligne 3 : 3 colonnes attendues, 2 trouvées (séparateur ou guillemets ?)")
    }

    @Test func anUnclosedQuoteIsAnErrorNamingTheLineWhereItOpened() throws {
        let reader = try TestData.reader("a;b\n1;2\n3;\"never\nclosed\n")
        _ = try reader.next()
        #expect(throws: CSVError.unterminatedQuote(line: 3)) { try reader.next() }
    }

    @Test func invalidUTF8AfterUTF8AccentsIsReportedWithItsLine() throws {
        var bytes = Array("a;b\nété;x\n".utf8)
        for _ in 0..<200 { bytes += Array("x;y\n".utf8) }
        bytes += [0x62, 0x3B, 0xE9, 0x0A]  // « b;é » in Latin-1
        let reader = try CSVReader(source: MemoryByteSource(bytes), chunkSize: 64)
        #expect(reader.dialect.encoding == .utf8)
        #expect(throws: CSVError.invalidEncoding(line: 203)) { try reader.readAll() }
    }

    @Test func aLatin1FileWhoseFirstAccentComesLateIsStillDecoded() throws {
        var bytes = Array("a;b\n".utf8)
        for _ in 0..<200 { bytes += Array("x;y\n".utf8) }
        bytes += [0x62, 0x3B, 0x92, 0xC9, 0x0A]  // « b;’É » in Windows-1252
        let reader = try CSVReader(source: MemoryByteSource(bytes), chunkSize: 64)
        #expect(reader.dialect.encoding == .utf8)
        let rows = try reader.readAll()
        #expect(rows.last?.fields == ["b", "’É"])
        #expect(reader.dialect.encoding == .windows1252)
    }

    @Test func aForcedUTF8DialectNeverFallsBack() throws {
        let bytes: [UInt8] = Array("a;b\n".utf8) + [0x62, 0x3B, 0xE9, 0x0A]
        let reader = try CSVReader(data: bytes, dialect: CSVDialect(encoding: .utf8, separator: 0x3B))
        #expect(throws: CSVError.invalidEncoding(line: 2)) { try reader.readAll() }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16, 64])
    func tinyChunksGiveTheSameRecords(chunkSize: Int) throws {
        let text = "id;name;note\r\n1;\"CH \"\"Saint-Jean\"\"\";\"a;b\"\r\n\r\n2;\"two\r\nlines\";\"\"\r\n3;été;y"
        let expected = try TestData.records(Array(text.utf8))
        let small = try TestData.records(Array(text.utf8), chunkSize: chunkSize,
                                         dialect: CSVDialect(encoding: .utf8, separator: 0x3B))
        #expect(small.header == expected.header)
        #expect(small.rows == expected.rows)
        #expect(small.rows.count == 3)
    }

    @Test func columnsAreFoundIgnoringCaseAccentsAndUnderscores() throws {
        let reader = try TestData.reader("FINESS;Raison sociale;Région;statut_juridique\n")
        #expect(reader.columnIndex("FINESS") == 0)
        #expect(reader.columnIndex("raison sociale") == 1)
        #expect(reader.columnIndex("REGION") == 2)
        #expect(reader.columnIndex("Statut Juridique") == 3)
        #expect(reader.columnIndex("commune") == nil)
        #expect(throws: CSVError.missingColumns(["commune", "siret"],
                                                available: ["FINESS", "Raison sociale", "Région", "statut_juridique"])) {
            try reader.requireColumns(["finess", "commune", "siret"])
        }
    }

    @Test func progressCountsBytesAgainstTheTotal() throws {
        let text = "a;b\n1;2\n3;4\n"
        let reader = try TestData.reader(text)
        #expect(reader.totalBytes == text.utf8.count)
        while try reader.advance() {}
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test func theRawRecordReadsFieldsWithoutCopying() throws {
        let reader = try TestData.reader("atc;rem\nC10AA05;248.53\n")
        #expect(try reader.advance())
        let raw = reader.current
        #expect(raw.equals(0, "C10AA05"))
        #expect(!raw.equals(0, "C10AA0"))
        #expect(try FrenchNumber.parse(bytes: raw.bytes(1), encoding: .utf8) == .number(248.53))
        #expect(raw.record().fields == ["C10AA05", "248.53"])
    }

    @Test func aMissingFileIsUnreadableWithItsPath() {
        #expect(throws: CSVError.unreadable("fichier introuvable (/nonexistent/x.csv)")) {
            try CSVReader(path: "/nonexistent/x.csv")
        }
    }
}
