import Testing
@testable import CAQESData

/// Random tables written with RFC 4180 quoting must read back exactly, whatever the buffer size.
@Suite("CSV round trip of random tables")
struct RoundTripTests {
    /// SplitMix64: deterministic, so a failure replays with its seed.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let pieces = ["a", "CH", " ", "é", "É", "’", "€", ";", ",", "\"", "\"\"", "\n", "\r\n", "0,5", "\u{A0}", "x y"]

    static func table(seed: UInt64) -> [[String]] {
        var random = Random(state: seed)
        let columns = 1 + random.next(6)
        let rows = 1 + random.next(40)
        return (0...rows).map { row in
            (0..<columns).map { column in
                if row == 0 { return "c\(column)" }
                return (0..<random.next(5)).map { _ in pieces[random.next(pieces.count)] }.joined()
            }
        }
    }

    static func write(_ table: [[String]], separator: Character, crlf: Bool) -> [UInt8] {
        let text = table.map { row in
            row.map { field in
                let needsQuotes = field.contains(separator) || field.contains("\"") || field.contains("\n")
                    || field.contains("\r") || (row.count == 1 && field.isEmpty)
                return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: String(separator))
        }.joined(separator: crlf ? "\r\n" : "\n")
        return Array(text.utf8)
    }

    @Test(arguments: 0..<200)
    func randomTablesReadBackExactly(seed: Int) throws {
        let table = Self.table(seed: UInt64(seed))
        let separator: Character = seed % 3 == 0 ? "," : seed % 3 == 1 ? ";" : "\t"
        let bytes = Self.write(table, separator: separator, crlf: seed % 2 == 0)
        let dialect = CSVDialect(encoding: .utf8, separator: UInt8(ascii: separator.unicodeScalars.first!))
        for chunkSize in [1, 3, 8, 13, 1 << 20] {
            let read = try TestData.records(bytes, chunkSize: chunkSize, dialect: dialect)
            #expect(read.header == table[0])
            #expect(read.rows.map(\.fields) == Array(table.dropFirst()), "seed \(seed), chunk \(chunkSize)")
        }
    }
}
