import CAQESCore

/// A FINESS number packed in 32 bits, read from raw bytes: digits as a number, `2A`/`2B` (Corsica)
/// above 10⁹. One hash probe per row instead of a `String` and a `FINESS` per row.
enum FINESSKey {
    static let corsicaA: UInt32 = 1_000_000_000
    static let corsicaB: UInt32 = 1_010_000_000

    /// The key of a 9-byte field, nil when it is not 9 digits (or 2A/2B + 7 digits).
    @inline(__always)
    static func key(_ b: UnsafeRawBufferPointer) -> UInt32? {
        guard b.count == 9 else { return nil }
        var from = 0, base: UInt32 = 0
        if b[0] == 0x32 {
            switch b[1] {
            case 0x41, 0x61: base = corsicaA; from = 2
            case 0x42, 0x62: base = corsicaB; from = 2
            default: break
            }
        }
        var n: UInt32 = 0
        for i in from..<9 {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            n = n &* 10 &+ UInt32(d)
        }
        return base &+ n
    }

    /// The key of any spelling `FINESS` accepts (spaces, lower case), through the slow path.
    static func key(text: String) -> UInt32? {
        guard let finess = try? FINESS(uncheckedKey: text) else { return nil }
        var value = finess.value
        return value.withUTF8 { key(UnsafeRawBufferPointer($0)) }
    }

    /// The nine characters.
    static func text(_ key: UInt32) -> String {
        if key >= corsicaA {
            let corsicaB = key >= Self.corsicaB
            let rest = key - (corsicaB ? Self.corsicaB : corsicaA)
            return (corsicaB ? "2B" : "2A") + padded(rest, 7)
        }
        return padded(key, 9)
    }

    /// Luhn key over the nine characters, `2A` counting as `21` and `2B` as `22` (D15).
    static func hasValidKey(_ key: UInt32) -> Bool {
        var digits: UInt64
        if key >= corsicaA {
            let corsicaB = key >= Self.corsicaB
            digits = (corsicaB ? 22 : 21) * 10_000_000 + UInt64(key - (corsicaB ? Self.corsicaB : corsicaA))
        } else {
            digits = UInt64(key)
        }
        var sum: UInt64 = 0, odd = false
        // Leading zeros add nothing, so stopping at zero is the same as walking all 9 or 10 digits.
        while digits > 0 {
            var d = digits % 10
            if odd { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            odd.toggle()
            digits /= 10
        }
        return sum % 10 == 0
    }

    static func padded(_ n: UInt32, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Open addressing from FINESS keys to dense slot numbers (a few thousand establishments).
struct FINESSSlotTable {
    static let empty = UInt32.max
    var keys: [UInt32]
    var slots: [Int32]
    var count = 0
    var mask: Int
    /// Multiplicative hashing keeps the high bits: 32 − log2(capacity).
    var shift: UInt32

    /// `capacity`: a power of two.
    init(capacity: Int = 4096) {
        keys = [UInt32](repeating: Self.empty, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shift = UInt32(32 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    func slot(_ key: UInt32) -> Int? {
        var i = Int((key &* 0x9E37_79B1) >> shift)
        while true {
            let k = keys[i]
            if k == key { return Int(slots[i]) }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ key: UInt32, slot: Int) {
        if 2 * (count + 1) > keys.count { grow() }
        var i = Int((key &* 0x9E37_79B1) >> shift)
        while keys[i] != Self.empty { i = (i + 1) & mask }
        keys[i] = key
        slots[i] = Int32(slot)
        count += 1
    }

    mutating func grow() {
        let old = zip(keys, slots).filter { $0.0 != Self.empty }
        keys = [UInt32](repeating: Self.empty, count: 2 * keys.count)
        slots = [Int32](repeating: -1, count: keys.count)
        mask = keys.count - 1
        shift -= 1
        count = 0
        for (key, slot) in old { insert(key, slot: Int(slot)) }
    }
}
