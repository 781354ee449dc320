import CAQESCore
import Foundation

/// Streams an Open PHMEV file (Assurance Maladie: hospital prescriptions dispensed in community
/// pharmacies, `;`, UTF-8, about 3.5 million rows a year) into per-prescriber CAQES measures.
///
/// - Rows are sorted into `PHMEVClass` by ATC prefix on raw bytes; a masked ATC level that could
///   hide a class is counted as undetermined, not guessed.
/// - Amounts (REM) are summed in integer cents, boxes (BOITES) as integers; masked, empty or
///   invalid cells are left out and counted per measure (never read as 0); negative cells
///   (regularisations) are summed and counted.
/// - Rows whose `etb_rgt` is not a well-formed FINESS, or has a wrong key, are left out with a
///   located `RowProblem` (D15; `acceptBadKeys` sums bad keys and flags them instead).
/// - Memory is bounded: no per-row storage, one 1 MiB buffer per thread.
public enum PHMEVAggregator {
    /// Below this size a file is read in one stream: threads cost more than they give.
    static let parallelThreshold = 8 << 20

    /// Aggregates the file at `path` (plain or `.gz`) for `year`.
    ///
    /// With `threads` > 1 a plain file is split into byte ranges at line starts, read in parallel
    /// and merged; the result is the same as one stream. Should a range fail to parse (a quoted
    /// field spanning the split, a bad byte), the file is read again in one stream, so any error
    /// names the right line. A gzip file is always one stream (`gzip` decompresses on the side).
    public static func aggregate(path: String, year: Int, threads: Int = 1,
                                 options: PHMEVOptions = PHMEVOptions()) throws(CSVError) -> PHMEVAggregate {
        if threads > 1, let size = FileRangeByteSource.regularFileSize(path), size >= parallelThreshold,
           !GzipByteSource.isGzip(path: path),
           let result = try? aggregateInRanges(path: path, size: size, year: year, threads: threads, options: options) {
            return result
        }
        return try aggregate(reader: CSVReader(path: path), year: year, options: options)
    }

    /// Aggregates what `reader` has left to read (its header already read), in one stream.
    public static func aggregate(reader: CSVReader, year: Int,
                                 options: PHMEVOptions = PHMEVOptions()) throws(CSVError) -> PHMEVAggregate {
        var accumulator = PHMEVAccumulator(options: options)
        try accumulator.consume(reader)
        return merge([(accumulator, 0)], year: year, options: options)
    }

    static func aggregateInRanges(path: String, size: Int, year: Int, threads: Int,
                                  options: PHMEVOptions) throws(CSVError) -> PHMEVAggregate? {
        let dialect = try CSVReader(path: path).dialect
        let targets = (1..<threads).map { size * $0 / threads }
        let (header, found) = try FileRangeByteSource.lineStarts(path, after: targets)
        guard !header.isEmpty else { return nil }
        var bounds = [0]
        for start in found { if let start, start > bounds.last!, start < size { bounds.append(start) } }
        bounds.append(size)
        let ranges = (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }

        let results = RangeResults(count: ranges.count)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
            do {
                let source = try FileRangeByteSource(path: path, from: ranges[k].lowerBound, to: ranges[k].upperBound,
                                                     prefix: k == 0 ? [] : header)
                let reader = try CSVReader(source: source, dialect: dialect)
                var accumulator = PHMEVAccumulator(options: options)
                try accumulator.consume(reader)
                results.set(k, accumulator)
            } catch {
                results.set(k, nil)
            }
        }
        guard let accumulators = results.all() else { return nil }
        // Range k > 0 starts with a copy of the header, its line 1: its line 2 is the file line
        // that follows every line of the ranges before it.
        var parts: [(PHMEVAccumulator, Int)] = []
        var linesBefore = 0
        for (k, accumulator) in accumulators.enumerated() {
            parts.append((accumulator, k == 0 ? 0 : linesBefore - 1))
            linesBefore += k == 0 ? accumulator.linesConsumed : accumulator.linesConsumed - 1
        }
        var aggregate = merge(parts, year: year, options: options)
        aggregate.counters.parallelChunks = ranges.count
        return aggregate
    }

    /// Sums streams in file order; `lineShift` turns each stream's lines into file lines.
    static func merge(_ parts: [(PHMEVAccumulator, lineShift: Int)], year: Int, options: PHMEVOptions) -> PHMEVAggregate {
        var byKey: [UInt32: PHMEVEstablishmentTotals] = [:]
        var counters = PHMEVCounters()
        var problems: [RowProblem] = []
        var rowsByClass = [Int](repeating: 0, count: PHMEVAccumulator.classes)
        var undetermined = rowsByClass
        var masked = [Int](repeating: 0, count: PHMEVAccumulator.measures)
        var invalid = masked, negative = masked, rounded = masked
        for (part, shift) in parts {
            let m = PHMEVAccumulator.measures, c = PHMEVAccumulator.classes
            for (slot, key) in part.slotKeys.enumerated() {
                var totals = PHMEVEstablishmentTotals()
                totals.values = Array(part.values[(slot * m)..<(slot * m + m)])
                totals.leftOutCells = Array(part.leftOut[(slot * m)..<(slot * m + m)])
                totals.classRows = Array(part.classRows[(slot * c)..<(slot * c + c)])
                totals.undeterminedRows = Array(part.undetermined[(slot * c)..<(slot * c + c)])
                byKey[key, default: PHMEVEstablishmentTotals()].add(totals)
            }
            counters.rowsRead += part.rowsRead
            counters.rowsOutsideClasses += part.outside
            counters.rowsBadFINESSFormat += part.badFormat
            counters.rowsBadFINESSKey += part.badKey
            counters.problems += part.problemCount
            for k in 0..<c { rowsByClass[k] += part.byClass[k]; undetermined[k] += part.undeterminedByClass[k] }
            for k in 0..<m {
                masked[k] += part.masked[k]; invalid[k] += part.invalid[k]
                negative[k] += part.negative[k]; rounded[k] += part.rounded[k]
            }
            for problem in part.problems where problems.count < options.problemLimit {
                problems.append(RowProblem(line: problem.line + shift, column: problem.column,
                                           value: problem.value, reason: problem.reason))
            }
        }
        for drugClass in PHMEVClass.allCases {
            counters.rowsByClass[drugClass] = rowsByClass[drugClass.rawValue]
            counters.rowsUndetermined[drugClass] = undetermined[drugClass.rawValue]
        }
        for measure in PHMEVMeasure.allCases {
            let k = measure.index
            counters.maskedCells[measure] = masked[k]; counters.invalidCells[measure] = invalid[k]
            counters.negativeCells[measure] = negative[k]; counters.roundedCells[measure] = rounded[k]
        }
        var establishments: [FINESS: PHMEVEstablishmentTotals] = [:]
        for (key, totals) in byKey {
            // The key was validated as 9 well-formed characters when its slot was made.
            establishments[try! FINESS(uncheckedKey: FINESSKey.text(key))] = totals
        }
        return PHMEVAggregate(year: year, establishments: establishments, counters: counters, problems: problems)
    }
}

/// Results of the parallel ranges, written once each from their own thread.
final class RangeResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [PHMEVAccumulator?]
    private var failed = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ accumulator: PHMEVAccumulator?) {
        lock.lock(); defer { lock.unlock() }
        if let accumulator { slots[k] = accumulator } else { failed = true }
    }

    /// Every range's accumulator, nil if one failed.
    func all() -> [PHMEVAccumulator]? {
        lock.lock(); defer { lock.unlock() }
        if failed { return nil }
        let done = slots.compactMap { $0 }
        return done.count == slots.count ? done : nil
    }
}
