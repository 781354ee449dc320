import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// The real open-data files, read as the imports will read them: the committed copies in
/// Tests/Fixtures/, and the full national extract and the whole PHMEV sample in the shared data.
@Suite("Real French open-data files")
struct RealFilesTests {
    @Test func finessHospitalExtractHas8131EstablishmentsWithValidKeys() throws {
        let reader = try CSVReader(path: TestData.fixture("finess/finess_et_20210108_hospitaliers.csv"))
        #expect(reader.dialect == CSVDialect(encoding: .utf8, separator: 0x3B))
        let columns = try reader.requireColumns(["nofinesset", "nofinessej", "rs"])
        let (et, ej, rs) = (columns[0], columns[1], columns[2])
        var count = 0, badKeys: [String] = []
        var first: [String] = []
        while let record = try reader.next() {
            count += 1
            if count == 1 { first = [record[et], record[ej], record[rs]] }
            for column in [et, ej] where (try? FINESS(record[column])) == nil { badKeys.append(record[column]) }
        }
        #expect(count == 8131)
        #expect(badKeys.isEmpty)
        #expect(first == ["010000024", "010780054", "CH DE FLEYRIAT"])
    }

    @Test(TestData.sharedFile("finess/finess_et_20210108.csv.gz"))
    func finessFullExtractIsReadStraightFromItsGzipFileWith95333Establishments() throws {
        let reader = try CSVReader(path: TestData.path("finess/finess_et_20210108.csv.gz"))
        let et = try #require(reader.columnIndex("nofinesset"))
        var count = 0, bad = 0
        while try reader.advance() {
            count += 1
            if (try? FINESS(reader.current[et])) == nil { bad += 1 }
        }
        #expect(count == 95_333)
        #expect(bad == 0)
        #expect(reader.bytesRead == 25_652_781)
    }

    @Test func statusListHas3974EstablishmentsWithThreeStatuses() throws {
        let reader = try CSVReader(path: TestData.fixture("finess/etablissements_sante_statapp.csv"))
        let columns = try reader.requireColumns(["FINESS", "statut juridique", "REGION"])
        var statuses: [String: Int] = [:]
        var regions = Set<String>()
        var count = 0
        while let record = try reader.next() {
            count += 1
            statuses[record[columns[1]], default: 0] += 1
            regions.insert(record[columns[2]])
        }
        #expect(count == 3974)
        #expect(statuses == ["Public": 1429, "Privé lucratif": 1286, "Privé non lucratif": 1259])
        #expect(regions.contains("84 - Auvergne-Rhône-Alpes"))
    }

    @Test func saeIdentificationIsReadAsWindows1252WithAccents() throws {
        let relative = "sae/ID_2022r.csv"
        let reader = try CSVReader(path: TestData.fixture(relative))
        // The file is announced as Latin-1 but holds `’` (0x92), a Windows-1252 character.
        #expect(reader.dialect.encoding == .windows1252)
        let rs = try #require(reader.columnIndex("rs"))
        let rows = try reader.readAll()
        #expect(rows.count == TestData.lineCount(try TestData.fixtureBytes(relative)) - 1)
        let names = rows.map { $0[rs] }
        #expect(names.contains("CH LE NOUVION-EN-THIÉRACHE"))
        #expect(names.filter { $0.contains("É") }.count == 71)
        #expect(rows.contains { $0.fields.contains { $0.contains("D’utilité publique") } })
    }

    @Test func hospiDiagIndicatorsParseWithMasksAndPadding() throws {
        let reader = try CSVReader(path: TestData.fixture("hospidiag/hd2022.csv"))
        #expect(reader.dialect.separator == 0x2C)
        #expect(reader.header.count == 157)
        let textColumns: Set<String> = ["finess", "rs", "champ_pmsi", "taa", "cat", "taille_MCO", "taille_M",
                                        "taille_C", "taille_O"]
        let listColumns = ["CI_A16_", "CI_A17_", "CI_A18_"]
        let numeric = reader.header.indices.filter { index in
            let name = reader.header[index]
            return !textColumns.contains(name) && !listColumns.contains { name.hasPrefix($0) }
        }
        #expect(numeric.count == 132)
        let p12 = try #require(reader.columnIndex("P12"))
        var masks: [String: Int] = [:], errors: [String] = [], rows = 0
        var bourg: CellValue?
        while let record = try reader.next() {
            rows += 1
            for column in numeric {
                do throws(NumberError) {
                    if case .masked(let reason) = try FrenchNumber.parse(record[column]) { masks[reason, default: 0] += 1 }
                } catch {
                    errors.append(error.rowProblem(line: record.line, column: reader.header[column]).description)
                }
            }
            if record[0] == "010008407" { bourg = try FrenchNumber.parse(record[p12]) }
        }
        #expect(rows == 1490)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(masks == ["sans objet": 3315, "secret statistique": 2549])
        #expect(bourg == .number(Decimal(string: "54.09")!))
    }

    @Test func scanSanteActivityHasBOMSpacedThousandsAndSmallCountMasks() throws {
        let reader = try CSVReader(path: TestData.fixture("more/scansante/mco_tous_sejours_public_psph_2024.csv"))
        #expect(reader.dialect == CSVDialect(encoding: .utf8, hasBOM: true, separator: 0x2C))
        #expect(reader.header.first == "Catégorie")
        let columns = try reader.requireColumns(["Finess", "Nombre de séjoursséances total",
                                                 "Nombre de séjours en hospit complète", "Sexe ratio (% homme)"])
        var smallCounts = 0, notAvailable = 0, rows = 0
        var bourg: [CellValue] = []
        while let record = try reader.next() {
            rows += 1
            for column in 4...7 {
                switch try FrenchNumber.parse(record[column]) {
                case .masked("effectif entre 1 et 10"): smallCounts += 1
                case .masked("non disponible"): notAvailable += 1
                default: break
                }
            }
            if record[columns[0]] == "010780054" {
                bourg = try columns.dropFirst().map { try FrenchNumber.parse(record[$0]) }
            }
        }
        #expect(rows == 774)
        #expect(smallCounts == 174)
        #expect(notAvailable == 4)
        #expect(bourg == [.number(29398), .number(18683), .number(Decimal(string: "49.7")!)])
    }

    @Test(TestData.sharedFile("phmev/OPEN_PHMEV_2024_sample_10k.csv"))
    func phmevSampleAmountsAddUpToTheCent() throws {
        let reader = try CSVReader(path: TestData.path("phmev/OPEN_PHMEV_2024_sample_10k.csv"))
        let columns = try reader.requireColumns(["BOITES", "REM", "BSE"])
        var totals = [Decimal](repeating: 0, count: 3)
        var rows = 0, firstRem: CellValue?
        while try reader.advance() {
            rows += 1
            let raw = reader.current
            for (k, column) in columns.enumerated() {
                let value = try FrenchNumber.parse(bytes: raw.bytes(column), encoding: .utf8)
                if rows == 1 && k == 1 { firstRem = value }
                totals[k] += value.number ?? 0
            }
        }
        #expect(rows == 10_000)
        #expect(firstRem == .number(Decimal(string: "248.53")!))
        #expect(totals == [872_791, Decimal(string: "34113493.09")!, Decimal(string: "36235686.11")!])
    }
}
