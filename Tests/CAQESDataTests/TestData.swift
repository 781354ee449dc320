import Foundation
@testable import CAQESData

/// Locates the shared real data (`shared/data` beside the repository) and builds test inputs.
enum TestData {
    static let directory: String = {
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            repo.deletingLastPathComponent().appendingPathComponent("shared/data").path,
            "/work/shared/data",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/README.md") } ?? candidates[0]
    }()

    static var available: Bool { FileManager.default.fileExists(atPath: directory + "/README.md") }

    static func path(_ relative: String) -> String { directory + "/" + relative }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
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
