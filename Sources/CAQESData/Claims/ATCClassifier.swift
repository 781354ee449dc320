/// Sorts a row into a `PHMEVClass` from its ATC columns, on raw bytes (no `String` per row).
///
/// Open PHMEV masks rare codes level by level (`9999999` for ATC5, `99999`, `9999`, `999`), so the
/// row's code is the most specific level that is not masked: ATC5, else atc4, atc3, atc2, atc1. A
/// code counts when it starts with an upper-case letter. When that code is shorter than a class's
/// prefix but compatible with it (`C09` for IEC or ARA II, `C10AX` for ezetimibe), the row *may*
/// belong to the class: it is reported as undetermined, never guessed.
struct ATCClassifier: Sendable {
    enum Match: Equatable {
        case outside
        case matched(PHMEVClass)
        /// Bit `c` set when class `c` is possible.
        case undetermined(UInt8)
    }

    /// (prefix bytes, class), most specific first is not needed: classes do not overlap.
    let rules: [([UInt8], PHMEVClass)]
    /// Whether an anatomical group letter (atc1 first byte) can lead to any class.
    let relevantFirstByte: [Bool]

    init(classes: [PHMEVClass] = PHMEVClass.allCases) {
        rules = classes.flatMap { c in c.atcPrefixes.map { (Array($0.utf8), c) } }
        var relevant = [Bool](repeating: false, count: 256)
        for (prefix, _) in rules { relevant[Int(prefix[0])] = true }
        relevantFirstByte = relevant
    }

    static func usable(_ code: UnsafeRawBufferPointer) -> Bool {
        !code.isEmpty && code[0] >= 0x41 && code[0] <= 0x5A
    }

    /// `levels`: column indexes of atc1, atc2, atc3, atc4, ATC5.
    @inline(__always)
    func classify(_ record: CSVRawRecord, levels: (Int, Int, Int, Int, Int)) -> Match {
        let group = record.bytes(levels.0)
        // Fast exit for the ~70 % of rows whose anatomical group holds no class.
        if Self.usable(group) && !relevantFirstByte[Int(group[0])] { return .outside }
        var code = record.bytes(levels.4)
        if !Self.usable(code) {
            code = record.bytes(levels.3)
            if !Self.usable(code) {
                code = record.bytes(levels.2)
                if !Self.usable(code) {
                    code = record.bytes(levels.1)
                    if !Self.usable(code) {
                        code = Self.usable(group) ? group : UnsafeRawBufferPointer(start: nil, count: 0)
                    }
                }
            }
        }
        return match(code)
    }

    func match(_ code: UnsafeRawBufferPointer) -> Match {
        var possible: UInt8 = 0
        for (prefix, drugClass) in rules {
            let common = min(prefix.count, code.count)
            var same = true
            for k in 0..<common where code[k] != prefix[k] { same = false; break }
            guard same else { continue }
            if code.count >= prefix.count { return .matched(drugClass) }
            possible |= 1 << UInt8(drugClass.rawValue)
        }
        return possible == 0 ? .outside : .undetermined(possible)
    }
}
