import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// The real Open PHMEV 2024 extracts (Assurance Maladie, Licence Ouverte 2.0) in shared/data:
/// too large to commit, so each test skips when its file is absent.
///
/// Expected numbers were computed apart from this code, with Python's `csv` and `decimal`
/// (script below, run on each file), and agree with DuckDB's aggregation of bench/phmev:
///
///     code = first of ATC5, atc4, atc3, atc2, atc1 starting with A-Z
///     class = first prefix of C09A/C09B iec, C09C/C09D ara2, A02BC ipp, C10AX09/C10BA ezetimibe
///     cents = int(Decimal(REM) * 100); boxes = int(BOITES); summed per class and per etb_rgt
///     undetermined: no prefix matches but the code is a shorter prefix of one (a row counts
///     once per class it may hide)
@Suite("Open PHMEV: real files")
struct PHMEVRealFilesTests {
    static let sample = "phmev/OPEN_PHMEV_2024_sample_10k.csv"
    static let top50k = "more/OPEN_PHMEV_2024_top50k_by_boites.csv.gz"

    @Test(TestData.sharedFile(PHMEVRealFilesTests.sample))
    func sampleOf10kRowsAggregatesToTheIndependentTotals() throws {
        let result = try PHMEVAggregator.aggregate(path: TestData.path(Self.sample), year: 2024)
        #expect(result.counters.rowsRead == 10_000)
        #expect(result.counters.rowsByClass == [.ipp: 380, .ara2: 190, .iec: 164, .ezetimibe: 70])
        #expect(result.counters.rowsUndetermined == [.ezetimibe: 34, .iec: 25, .ara2: 25, .ipp: 30])
        #expect(result.counters.rowsOutsideClasses == 10_000 - 804 - 46)   // 46 rows may hide a class
        let expected: [PHMEVMeasure: Int64] = [
            .ippAmount: 6_939_514, .ippBoxes: 22_410, .ara2Amount: 15_031_373, .ara2Boxes: 6_832,
            .iecAmount: 3_280_726, .iecBoxes: 5_199, .ezetimibeAmount: 6_435_037, .ezetimibeBoxes: 2_453,
        ]
        for (measure, total) in expected { #expect(result.total(measure) == total, "\(measure)") }
        // Every etb_rgt of the sample has a right key (889 distinct); none is left out.
        #expect(result.establishments.count == 889)
        #expect(result.problems.isEmpty)
        #expect(result.counters.problems == 0)
        // Hospices Civils de Lyon: IPP 15,731.79 € over 4,622 boxes.
        #expect(result.value(.ippAmount, "690781810") == 1_573_179)
        #expect(result.value(.ippBoxes, "690781810") == 4_622)
        #expect(result.value(.iecAmount, "750100125") == 74_204)
        #expect(result.value(.ippAmount, "2A0000014") == 5_961)   // Corsica, key over 21…
        let rows = result.measureRows
        #expect(rows.count == 889 * 8)
        let lyon = try #require(rows.first { $0.finess.value == "690781810" && $0.measure == .ippAmount })
        #expect(lyon.value == Decimal(string: "15731.79")!)
    }

    @Test(TestData.sharedFile(PHMEVRealFilesTests.top50k))
    func top50kGzipAggregatesToTheIndependentTotals() throws {
        // A gzip file is one stream whatever `threads` says.
        let result = try PHMEVAggregator.aggregate(path: TestData.path(Self.top50k), year: 2024, threads: 2)
        #expect(result.counters.rowsRead == 50_000)
        #expect(result.counters.parallelChunks == 1)
        #expect(result.counters.rowsByClass == [.ipp: 766, .ara2: 71, .ezetimibe: 42, .iec: 13])
        let expected: [PHMEVMeasure: Int64] = [
            .ippAmount: 406_305_543, .ippBoxes: 1_030_498, .ara2Amount: 807_485_091, .ara2Boxes: 91_798,
            .ezetimibeAmount: 116_036_988, .ezetimibeBoxes: 52_009, .iecAmount: 4_709_748, .iecBoxes: 12_924,
        ]
        for (measure, total) in expected { #expect(result.total(measure) == total, "\(measure)") }
        #expect(result.establishments.count == 695)
        #expect(result.value(.ara2Amount, "690781810") == 131_425_364)
        #expect(result.value(.ezetimibeBoxes, "750100125") == 5_745)
    }

    @Test(TestData.sharedFile(PHMEVRealFilesTests.sample))
    func byteRangesInParallelGiveTheSameResultAsOneStream() throws {
        let path = TestData.path(Self.sample)
        let size = try #require(FileRangeByteSource.regularFileSize(path))
        let stream = try PHMEVAggregator.aggregate(path: path, year: 2024)
        for threads in [2, 3, 7] {
            let ranges = try #require(try PHMEVAggregator.aggregateInRanges(
                path: path, size: size, year: 2024, threads: threads, options: PHMEVOptions()))
            #expect(ranges.counters.parallelChunks == threads)
            var same = ranges
            same.counters.parallelChunks = 1
            #expect(same == stream, "\(threads) ranges")
        }
    }

    @Test(TestData.sharedFile(PHMEVRealFilesTests.sample))
    func aLargeFileIsReadOnEveryCoreWithTheSameTotals() throws {
        // The sample three times over: 30,000 rows, 10.6 MB, above the parallel threshold.
        let text = try String(contentsOfFile: TestData.path(Self.sample), encoding: .utf8)
        let header = try #require(text.firstIndex(of: "\n"))
        let body = text[text.index(after: header)...]
        let path = try PHMEVFixture.temporaryFile(Data((text + body + body).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let once = try PHMEVAggregator.aggregate(path: TestData.path(Self.sample), year: 2024)
        let result = try PHMEVAggregator.aggregate(path: path, year: 2024, threads: 2)
        #expect(result.counters.parallelChunks == 2)
        #expect(result.counters.rowsRead == 30_000)
        for measure in PHMEVMeasure.allCases { #expect(result.total(measure) == 3 * once.total(measure)) }
        #expect(result.value(.ippAmount, "690781810") == 4_719_537)   // 3 × 1,573,179
    }

    @Test(TestData.sharedFile(PHMEVRealFilesTests.sample))
    func problemsFoundInAnyRangeNameTheirFileLine() throws {
        // The sample with bad FINESS numbers written on lines 3, 5,000 and 9,999.
        var lines = try String(contentsOfFile: TestData.path(Self.sample), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in [3, 5_000, 9_999] {
            lines[line - 1] = lines[line - 1]
                .replacingOccurrences(of: #";[0-9]{9};"#, with: ";12345;", options: .regularExpression)
        }
        let path = try PHMEVFixture.temporaryFile(Data(lines.joined(separator: "\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = try #require(FileRangeByteSource.regularFileSize(path))
        let stream = try PHMEVAggregator.aggregate(path: path, year: 2024)
        #expect(stream.problems.map(\.line) == [3, 5_000, 9_999])
        let ranges = try #require(try PHMEVAggregator.aggregateInRanges(
            path: path, size: size, year: 2024, threads: 3, options: PHMEVOptions()))
        #expect(ranges.problems == stream.problems)
    }

    @Test(TestData.sharedFile(PHMEVRealFilesTests.sample))
    func aTruncatedFileIsRefusedNamingTheCutLine() throws {
        // Cut in the middle of line 6,001 (the header is line 1).
        let bytes = try TestData.bytes(Self.sample)
        var newlines = 0, cut = 0
        for (k, byte) in bytes.enumerated() where byte == 0x0A {
            newlines += 1
            if newlines == 6_000 { cut = k + 40; break }
        }
        let path = try PHMEVFixture.temporaryFile(Data(bytes[0..<cut]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for threads in [1, 2] {
            #expect(throws: CSVError.wrongFieldCount(line: 6_001, expected: 31, found: 5)) {
                try PHMEVAggregator.aggregate(path: path, year: 2024, threads: threads)
            }
        }
        // Forced into ranges, the cut range fails and the caller reads the file again in one stream.
        let size = try #require(FileRangeByteSource.regularFileSize(path))
        #expect(try PHMEVAggregator.aggregateInRanges(path: path, size: size, year: 2024, threads: 2,
                                                      options: PHMEVOptions()) == nil)
    }
}
