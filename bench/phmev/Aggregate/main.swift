// caqes-bench-phmev: the Open PHMEV aggregation of `caqes import phmev`, without the database.
//
//   caqes-bench-phmev FILE [--threads N] [--year YYYY] [--out LISTING]
//
// Prints the wall time of the aggregation, the counters and the total of every measure; with
// --out, writes `finess;measure;value` (cents or boxes), sorted, every establishment × measure,
// the listing bench/phmev/run.sh compares byte for byte with DuckDB's.
import CAQESData
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let k = arguments.firstIndex(of: name), k + 1 < arguments.count else { return nil }
    let value = arguments[k + 1]
    arguments.removeSubrange(k...(k + 1))
    return value
}
let threads = option("--threads").flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
let year = option("--year").flatMap(Int.init) ?? 2024
let listing = option("--out")
guard let path = arguments.first else {
    FileHandle.standardError.write(Data("usage: caqes-bench-phmev FILE [--threads N] [--year YYYY] [--out LISTING]\n".utf8))
    exit(2)
}

let start = DispatchTime.now().uptimeNanoseconds
let aggregate: PHMEVAggregate
do {
    aggregate = try PHMEVAggregator.aggregate(path: path, year: year, threads: threads)
} catch {
    FileHandle.standardError.write(Data("caqes-bench-phmev: \(error)\n".utf8))
    exit(1)
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

print(String(format: "aggregation: %.3f s, %d threads (%d ranges)", seconds, threads, aggregate.counters.parallelChunks))
print(aggregate.counters)
print("establishments: \(aggregate.establishments.count)")
for measure in PHMEVMeasure.allCases.sorted() {
    print("total \(measure.rawValue) \(aggregate.total(measure))")
}
for problem in aggregate.problems.prefix(5) { print("problem: \(problem)") }

if let listing {
    let measures = PHMEVMeasure.allCases.sorted()
    var text = ""
    for finess in aggregate.establishments.keys.sorted() {
        let totals = aggregate.establishments[finess]!
        for measure in measures { text += "\(finess.value);\(measure.rawValue);\(totals[measure])\n" }
    }
    try! text.write(toFile: listing, atomically: false, encoding: .utf8)
}
