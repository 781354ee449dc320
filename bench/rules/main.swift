// caqes-bench-rules: targeting + national incentives over a synthetic country.
//
// Builds 3,000 establishments with every measure of the national 2022 catalogue for two years
// (2022 = targeting year and N-1, 2023 = evaluated year N; contracts start in 2023, so the EPA
// reference year is 2022), loads Resources/Catalogues/national-2022.yaml, then times 11 passes of
// the cycle "targeting on 2022, then the 2023 incentive of every targeted indicator" and 11 of the
// worst case "every indicator for every establishment", and prints the medians (see README.md).
// Data generation and catalogue loading are timed apart.
//
//   swift run -c release caqes-bench-rules [path/to/national-2022.yaml]
import CAQESCore
import Foundation

/// SplitMix64: deterministic, seedable, good enough for synthetic data.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    /// Uniform fraction in [0, 1) with 4 decimals.
    mutating func fraction() -> Decimal { Decimal(int(0...9_999)) / 10_000 }
}

let establishmentCount = 3_000
let categories = ["101", "106", "114", "128", "355", "362"]
let regions = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01", "02", "03", "04", "06"]

func syntheticCountry(seed: UInt64) -> MeasureSet {
    var rng = SplitMix64(state: seed)
    var set = MeasureSet()
    for i in 0..<establishmentCount {
        let subject = String(format: "%09d", 100_000_000 + i)
        set.add(MeasureSet.Member(subject: subject, category: categories[rng.int(0...categories.count - 1)],
                                  region: regions[rng.int(0...regions.count - 1)]))
        let size = Decimal(rng.int(1...40))  // establishment size factor
        for year in [2022, 2023] {
            func put(_ measure: String, _ value: Decimal) { set.set(value, measure: measure, year: year, for: subject) }
            func amount(_ base: Int) -> Decimal { size * Decimal(base + rng.int(0...base)) }
            put("phev_ara2_amount", amount(2_000)); put("phev_iec_amount", amount(1_500))
            put("phev_ara2_ucd", amount(300)); put("phev_iec_ucd", amount(350))
            put("phev_ipp_amount", amount(3_000)); put("phev_ipp_boxes", amount(200))
            put("phev_ezetimibe_amount", amount(800)); put("phev_ezetimibe_ucd", amount(40)); put("phev_statin_ucd", amount(400))
            let diffuser = amount(2_500), active = amount(2_000)
            put("phev_perfadom_diffuser_amount", diffuser); put("phev_perfadom_active_amount", active)
            put("phev_perfadom_total_amount", diffuser + active + amount(800))
            put("phev_dressing_amount", amount(4_000)); put("phev_dressing_patients", size * Decimal(rng.int(3...12)))
            let ambulance = amount(20_000), tap = amount(30_000)
            put("transport_ambulance_amount", ambulance); put("transport_tap_amount", tap)
            put("transport_ambulance_trips", (ambulance / Decimal(rng.int(250...350))).rounded0)
            put("transport_tap_trips", (tap / Decimal(rng.int(50...70))).rounded0 + 1)
            if rng.int(0...99) < 90 {  // 10 % without heart-failure activity
                let stays = size * Decimal(rng.int(2...20))
                put("hf_stays", stays); put("hf_readmissions_3m", (stays * rng.fraction() / 2).rounded0)
                put("hf_readmission_amount", amount(6_000))
            }
            for e in 1...4 {
                let eligible = size * Decimal(rng.int(5...30))
                put("epa\(e)_eligible_stays", eligible)
                put("epa\(e)_stays_with_test", (eligible * rng.fraction() / 3).rounded0)
                put("epa\(e)_act_amount", Decimal(rng.int(5...25)))
            }
            put("epa_activity", size * Decimal(rng.int(10...80)))
            put("am_products", amount(1_000_000))
        }
    }
    return set
}

extension Decimal {
    var rounded0: Decimal {
        var value = self, result = Decimal()
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}

func catalogueText() throws -> (String, String) {
    let path = CommandLine.arguments.dropFirst().first
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Catalogues/national-2022.yaml").path
    return (try String(contentsOfFile: path, encoding: .utf8), URL(fileURLWithPath: path).lastPathComponent)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

let clock = ContinuousClock()
var generated: MeasureSet!
let generation = clock.measure { generated = syntheticCountry(seed: 2022) }
let measures = generated!
let (text, file) = try catalogueText()
var loaded: CatalogueVersion!
let loading = try clock.measure { loaded = try CatalogueLoader.load(yaml: text, file: file) }
let catalogue = loaded!
let paid = catalogue.indicators.filter(\.isPaidNationally).map(\.code)
let everything = measures.members.map { ContractIncentiveTerms(subject: $0.subject, startYear: 2023, indicators: paid) }

/// CPU time of the whole process (all threads), in ms: steadier than wall time on a busy machine.
func processCPUTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) * 1_000 + Double(spec.tv_nsec) / 1e6
}

/// Median, min and max wall time of 11 timed passes of `body`, and the median CPU time;
/// `body` returns a one-line summary.
func timed(_ body: () throws -> String) rethrows -> (median: Double, min: Double, max: Double, cpu: Double, summary: String) {
    var samples: [Double] = []
    var cpu: [Double] = []
    var summary = ""
    for _ in 0..<11 {
        let start = processCPUTime()
        samples.append(milliseconds(try clock.measure { summary = try body() }))
        cpu.append(processCPUTime() - start)
    }
    samples.sort()
    cpu.sort()
    return (samples[5], samples[0], samples[10], cpu[5], summary)
}

/// The real cycle: target, then compute the incentive of each targeted indicator (contracts are
/// signed on the indicators an establishment is targeted on).
let cycle = try timed {
    let run = try TargetingEngine.run(catalogue, referenceYear: 2022, population: .national, measures: measures)
    var contracted: [String: [String]] = [:]
    var notEvaluable = 0
    for decision in run.decisions {
        if decision.outcome == .targeted { contracted[decision.subject, default: []].append(decision.indicatorCode) }
        if case .notEvaluable = decision.outcome { notEvaluable += 1 }
    }
    let contracts = measures.members.compactMap { member in
        contracted[member.subject].map { ContractIncentiveTerms(subject: member.subject, startYear: 2023, indicators: $0) }
    }
    let lines = try NationalIncentive.run(catalogue, year: 2023, measures: measures, contracts: contracts)
    return "\(run.decisions.count) décisions de ciblage (\(contracted.values.map(\.count).reduce(0, +)) ciblages, "
        + "\(notEvaluable) non évaluables), \(lines.count) lignes d'intéressement, total \(Money.format(NationalIncentive.total(lines)))"
}
/// Worst case: every paid indicator (and its informative ones) for every establishment.
let worst = try timed {
    _ = try TargetingEngine.run(catalogue, referenceYear: 2022, population: .national, measures: measures)
    let lines = try NationalIncentive.run(catalogue, year: 2023, measures: measures, contracts: everything)
    return "\(lines.count) lignes d'intéressement, total \(Money.format(NationalIncentive.total(lines)))"
}

print("\(measures.members.count) établissements ; données générées en \(String(format: "%.0f", milliseconds(generation))) ms ; "
      + "catalogue chargé en \(String(format: "%.1f", milliseconds(loading))) ms")
print("ciblage + intéressement des indicateurs ciblés : \(cycle.summary)")
print(String(format: "  médiane de 11 passes : %.1f ms (min %.1f, max %.1f) ; temps CPU médian %.1f ms",
             cycle.median, cycle.min, cycle.max, cycle.cpu))
print("ciblage + intéressement de tous les indicateurs pour tous : \(worst.summary)")
print(String(format: "  médiane de 11 passes : %.1f ms (min %.1f, max %.1f) ; temps CPU médian %.1f ms",
             worst.median, worst.min, worst.max, worst.cpu))
print("cœurs actifs : \(ProcessInfo.processInfo.activeProcessorCount)")
