/// Bounds on what one uploaded file may cost to read, so that a hostile or damaged upload (an
/// archive bomb: a few kilobytes that inflate to gigabytes; an endless sheet; a million bad rows)
/// is refused with a French message instead of exhausting the server's memory.
///
/// The defaults are far above the real files an ARS handles (a SAE or Hospi Diag workbook inflates
/// to a few tens of megabytes, the full FINESS extract to 26 MB at about 4:1).
public struct ReadLimits: Sendable, Equatable {
    /// Inflated bytes allowed in total: all the parts read from one workbook, or the whole content
    /// of one gzip file.
    public var maximumInflatedBytes: Int
    /// Largest inflated : compressed ratio of one workbook part or of a gzip file, checked once the
    /// inflated size passes `ratioFloor`.
    public var maximumRatio: Int
    /// Inflated size under which the ratio is not checked (small XML parts compress very well).
    public var ratioFloor: Int
    /// Rows of one sheet.
    public var maximumRows: Int
    /// Cells of one sheet, counting the empty cells a row is padded with up to its last filled one.
    public var maximumCells: Int
    /// Row problems (and notes) listed by a reader; the rest are counted in one closing line.
    public var maximumListedProblems: Int

    public init(maximumInflatedBytes: Int = 512 << 20, maximumRatio: Int = 100, ratioFloor: Int = 1 << 20,
                maximumRows: Int = 2_000_000, maximumCells: Int = 50_000_000, maximumListedProblems: Int = 1_000) {
        self.maximumInflatedBytes = maximumInflatedBytes
        self.maximumRatio = maximumRatio
        self.ratioFloor = ratioFloor
        self.maximumRows = maximumRows
        self.maximumCells = maximumCells
        self.maximumListedProblems = maximumListedProblems
    }

    public static let standard = ReadLimits()

    /// Inflated bytes allowed for content compressed into `compressed` bytes by the ratio alone.
    func ratioAllowance(compressed: Int) -> Int {
        let (product, overflow) = max(compressed, 0).multipliedReportingOverflow(by: maximumRatio)
        return max(ratioFloor, overflow ? Int.max : product)
    }

    /// `512 Mio`, `1,5 Kio`, `300 octets`: sizes in French binary units.
    static func size(_ bytes: Int) -> String {
        let units = [(1 << 30, "Gio"), (1 << 20, "Mio"), (1 << 10, "Kio")]
        for (unit, name) in units where bytes >= unit {
            let tenths = Int((Double(bytes) * 10 / Double(unit)).rounded())
            return tenths % 10 == 0 ? "\(tenths / 10) \(name)" : "\(tenths / 10),\(tenths % 10) \(name)"
        }
        return "\(bytes) octet\(bytes > 1 ? "s" : "")"
    }

    /// `2 000 000`: integers grouped by three with a (narrow no-break) space, as French text writes them.
    static func count(_ value: Int) -> String {
        var digits = String(value.magnitude), groups: [Substring] = []
        while digits.count > 3 { groups.insert(digits.suffix(3), at: 0); digits.removeLast(3) }
        groups.insert(Substring(digits), at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: "\u{202F}")
    }
}
