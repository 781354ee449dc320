/// A seeded random draw of declared values to check against their evidence (control sampling).
///
/// The draw depends only on the seed and the candidates (sorted first), so recording the seed
/// reproduces it: SplitMix64 feeds a partial Fisher–Yates shuffle. Not for secrets.
public enum ControlSample {
    public static func draw(_ candidates: [String], count: Int, seed: UInt64) -> [String] {
        var pool = Array(Set(candidates)).sorted()
        let wanted = max(0, min(count, pool.count))
        var state = seed
        for index in 0..<wanted {
            let remaining = UInt64(pool.count - index)
            let pick = index + Int(next(&state) % remaining)
            pool.swapAt(index, pick)
        }
        return Array(pool[0..<wanted]).sorted()
    }

    /// SplitMix64 (Steele, Lea, Flood 2014).
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
