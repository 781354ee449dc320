// Benchmark: the results of a country-wide evaluation campaign and its documents. 3,000 contract
// holders, each under contract for every indicator of national-2022 and regional-hdf-2022 (the
// regional catalogue's region is given to all), with every measure for 2021–2023 drawn from a
// seeded generator; then, through the product's own code:
//   1. the holders' measure sets (HolderMeasures, as the database path builds them);
//   2. the campaign's results (CAQESCore.CampaignResults: national incentive, regional targets,
//      FIR share of a 12,5 M€ envelope);
//   3. the annual report as a sealed PDF (CAQESReports.AnnualReport + the PAdES seal);
//   4. the annual report as XLSX, and the payment file as CSV and XLSX.
// Budget (issue 9): steps 2–4 under 5 s on this machine. Prints each run, the medians and the
// peak resident memory (VmHWM).
//
//   swift build -c release --scratch-path .build-release --product caqes-bench-evaluation
//   .build-release/release/caqes-bench-evaluation [--holders 3000] [--runs 5] [--catalogues DIR] [--out DIR]
import CAQESCore
import CAQESData
import CAQESDocuments
import CAQESReports
import Foundation

var holderCount = 3000
var runs = 5
var catalogueDirectory = "Resources/Catalogues/"
var outDirectory: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--holders": holderCount = arguments.popFirst().flatMap(Int.init) ?? holderCount
    case "--runs": runs = arguments.popFirst().flatMap(Int.init) ?? runs
    case "--catalogues": catalogueDirectory = arguments.popFirst() ?? catalogueDirectory
    case "--out": outDirectory = arguments.popFirst()
    default:
        FileHandle.standardError.write(Data("usage: bench-evaluation [--holders N] [--runs N] [--catalogues DIR] [--out DIR]\n".utf8))
        exit(2)
    }
}

func peakMemoryKiB() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    return nil
}

func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

/// SplitMix64: the same inputs on every run and machine.
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

let catalogues: [String: CatalogueVersion]
do {
    var loaded: [String: CatalogueVersion] = [:]
    for id in ["national-2022", "regional-hdf-2022"] {
        let text = try String(contentsOfFile: catalogueDirectory + id + ".yaml", encoding: .utf8)
        loaded[id] = try CatalogueLoader.load(yaml: text, file: id + ".yaml")
    }
    catalogues = loaded
} catch {
    print("catalogues: \(error) (run from the repository root, or give --catalogues)")
    exit(1)
}

// Holders: FINESS-like numbers, every indicator of both catalogues, contracts from 2022.
let subjects = (0..<holderCount).map { String(format: "59%07d", $0 * 7 + 1) }
let holders = subjects.enumerated().map { index, subject in
    CampaignHolder(subject: subject, name: "Centre hospitalier n° \(index + 1)", contractStartYear: 2022, indicators:
        catalogues.values.sorted { $0.id < $1.id }.flatMap { catalogue in
            catalogue.indicators.filter { !$0.informative }.map {
                CampaignHolder.Indicator(code: $0.code, catalogue: catalogue.id, regional: $0.target != nil,
                                         rate: index % 5 == 0 ? Decimal(string: "0.2") : nil)
            }
        })
}

func values(for catalogue: CatalogueVersion) -> [SubjectValue] {
    var generator = Generator(state: 20_231_231 &+ UInt64(catalogue.id.count))
    var values: [SubjectValue] = []
    values.reserveCapacity(subjects.count * catalogue.measures.count * 3)
    for subject in subjects {
        for measure in catalogue.measures {
            for year in 2021...2023 {
                let value: FormulaValue
                if measure.type == .grade {
                    value = .grade(Character(UnicodeScalar(UInt8(65 + generator.int(0...3)))))
                } else {
                    value = .number(Decimal(generator.int(100...2_000_000)) / 100)
                }
                values.append(SubjectValue(subject: subject, measure: measure.code, year: year, value: value, source: "banc d'essai"))
            }
        }
    }
    return values
}

let registry = subjects.map { RegistryEntry.site($0, legalEntity: nil, holder: $0, category: "1101", region: "32") }
let inputs = catalogues.mapValues(values(for:))
let seal: SealIdentity
do {
    seal = try SealIdentity.selfSigned(commonName: "Cachet CAQES (banc d'essai)", organization: "CAQES", now: Date(timeIntervalSince1970: 1_750_000_000)).identity
} catch {
    print("seal: \(error)")
    exit(1)
}
let parameters = SealParameters(identity: seal, signingDate: Date(timeIntervalSince1970: 1_750_000_000), reason: "Rapport annuel d'évaluation CAQES")

var totals: [Double] = [], builds: [Double] = [], computes: [Double] = [], pdfs: [Double] = [], sheets: [Double] = []
var lineCount = 0, pdfBytes = 0, xlsxBytes = 0, paymentBytes = 0, pageEstimate = 0
for run in 1...runs {
    let buildStart = DispatchTime.now().uptimeNanoseconds
    var measures: [String: MeasureSet] = [:]
    for (id, catalogue) in catalogues { measures[id] = HolderMeasures.build(values: inputs[id] ?? [], registry: registry, catalogue: catalogue) }
    let build = seconds(since: buildStart)

    let start = DispatchTime.now().uptimeNanoseconds
    let lines: [CampaignResultLine]
    do {
        lines = try CampaignResults.compute(year: 2023, holders: holders, catalogues: catalogues, measures: measures,
                                            envelope: 12_500_000, sharing: .proportional)
    } catch {
        print("results: \(error)")
        exit(1)
    }
    let compute = seconds(since: start)

    let pdfStart = DispatchTime.now().uptimeNanoseconds
    let report = AnnualReport(region: "32", year: 2023, envelope: 12_500_000, sharing: "au prorata des indicateurs régionaux atteints",
                              version: 1, lines: lines)
    let pdf: [UInt8]
    do { pdf = try PDFDocumentWriter.sealed(report.document(siteURL: "https://caqes.example.fr", today: try LocalDate("2024-12-31")), seal: parameters) }
    catch { print("pdf: \(error)"); exit(1) }
    let pdfTime = seconds(since: pdfStart)

    let sheetStart = DispatchTime.now().uptimeNanoseconds
    let payments = lines.filter { ($0.kind == "national" || $0.kind == "fir") && $0.amount != 0 }.map {
        PaymentLine(holder: $0.holder, holderName: $0.holderName, indicator: $0.indicator, label: $0.label,
                    amount: "\($0.amount)", decisionID: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, decisionDate: "2024-12-31",
                    sha256: String(repeating: "a", count: 64), status: "a_ordonnancer")
    }
    var csv = Data([0xEF, 0xBB, 0xBF])
    for row in PaymentFile.rows(payments) { csv.append(contentsOf: Array((row.joined(separator: ";") + "\r\n").utf8)) }
    let xlsx: Data, paymentXLSX: Data
    do {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let book = report.workbook()
        let t1 = DispatchTime.now().uptimeNanoseconds
        xlsx = try book.data()
        let t2 = DispatchTime.now().uptimeNanoseconds
        paymentXLSX = try PaymentFile.workbook(payments, title: "Paiements CAQES 2023").data()
        if ProcessInfo.processInfo.environment["BENCH_DETAIL"] != nil {
            print(String(format: "  workbook cells %.3f s, report xlsx data %.3f s, payment xlsx %.3f s, csv %.3f s",
                         Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9, seconds(since: t2), Double(t0 - sheetStart) / 1e9))
        }
    } catch { print("xlsx: \(error)"); exit(1) }
    let sheetTime = seconds(since: sheetStart)

    let total = compute + pdfTime + sheetTime
    totals.append(total); builds.append(build); computes.append(compute); pdfs.append(pdfTime); sheets.append(sheetTime)
    lineCount = lines.count
    pdfBytes = pdf.count
    xlsxBytes = xlsx.count
    paymentBytes = csv.count + paymentXLSX.count
    print(String(format: "run %d: results %.3f s, report PDF %.3f s, XLSX + payment file %.3f s — total %.3f s (measure sets built in %.3f s, not counted)",
                 run, compute, pdfTime, sheetTime, total, build))
    if run == runs, let outDirectory {
        try? FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        try? Data(pdf).write(to: URL(fileURLWithPath: outDirectory + "/rapport.pdf"))
        try? xlsx.write(to: URL(fileURLWithPath: outDirectory + "/rapport.xlsx"))
        try? csv.write(to: URL(fileURLWithPath: outDirectory + "/paiements.csv"))
        try? paymentXLSX.write(to: URL(fileURLWithPath: outDirectory + "/paiements.xlsx"))
    }
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(format: "holders %d, result lines %d, report PDF %.1f MB, report XLSX %.1f MB, payment files %.1f MB",
             holderCount, lineCount, Double(pdfBytes) / 1e6, Double(xlsxBytes) / 1e6, Double(paymentBytes) / 1e6))
print(String(format: "median of %d runs: total %.3f s (results %.3f s, report PDF %.3f s, XLSX + payment file %.3f s); measure sets %.3f s",
             runs, median(totals), median(computes), median(pdfs), median(sheets), median(builds)))
print("peak memory (VmHWM): \(peakMemoryKiB().map { "\($0 / 1024) MiB" } ?? "n/a")")
