/// Where a running import stands, for the CLI progress line and the job's progress (stored in the
/// jobs table, so any instance can show it).
struct ImportProgress: Sendable, Codable {
    var phase: String
    var fraction: Double
    var rows: Int

    var percent: Int { Int((fraction * 100).rounded(.down)) }
}
