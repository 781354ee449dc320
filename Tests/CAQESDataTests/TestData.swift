import Foundation
import Testing
@testable import CAQESData

/// Locates the real data and builds test inputs. Committed copies and subsets live in
/// Tests/Fixtures/ (see its README.md); the files too large to commit are read from the shared
/// data (`shared/data` beside the repository, or the folder named by CAQES_SHARED_DATA), and the
/// tests on them skip when they are absent.
enum TestData {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared data folder (no trailing slash).
    static let directory: String = {
        if let path = ProcessInfo.processInfo.environment["CAQES_SHARED_DATA"], !path.isEmpty {
            return path.hasSuffix("/") ? String(path.dropLast()) : path
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    static var available: Bool { FileManager.default.fileExists(atPath: directory + "/README.md") }

    /// A file of the shared data.
    static func path(_ relative: String) -> String { directory + "/" + relative }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// Skips the test, with the reason shown in the test report, when `relative` is absent from
    /// the shared data.
    static func sharedFile(_ relative: String) -> ConditionTrait {
        .enabled(if: FileManager.default.fileExists(atPath: path(relative)),
                 Comment(rawValue: "\(path(relative)) is absent (shared data; CAQES_SHARED_DATA names its folder)"))
    }

    /// The committed fixtures folder (no trailing slash): the same relative paths as the shared data.
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures").path

    /// A committed fixture file.
    static func fixture(_ relative: String) -> String { fixtures + "/" + relative }

    static func fixtureBytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(relative))))
    }

    /// Number of physical lines, as `wc -l` counts them.
    static func lineCount(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    /// All records of `bytes`, read with a given chunk size.
    static func records(_ bytes: [UInt8], chunkSize: Int = 1 << 20, dialect: CSVDialect? = nil) throws -> (header: [String], rows: [CSVRecord]) {
        let reader = try CSVReader(source: MemoryByteSource(bytes), dialect: dialect, chunkSize: chunkSize)
        return (reader.header, try reader.readAll())
    }

    static func reader(_ text: String, chunkSize: Int = 1 << 20, dialect: CSVDialect? = nil) throws -> CSVReader {
        try CSVReader(source: MemoryByteSource(Array(text.utf8)), dialect: dialect, chunkSize: chunkSize)
    }
}
