import Foundation

/// French rendering of stored measure values: `180000.5` → `180 000,5`.
enum MeasureDisplay {
    static func text(_ stored: String?) -> String {
        guard let stored, !stored.isEmpty else { return "" }
        if stored.count == 1, stored.first?.isLetter == true { return stored }
        let negative = stored.hasPrefix("-")
        let body = negative ? String(stored.dropFirst()) : stored
        let parts = body.split(separator: ".", maxSplits: 1)
        let integer = Int(parts[0]).map(FrenchFormat.integer) ?? String(parts[0])
        let text = parts.count == 2 ? integer + "," + parts[1] : integer
        return negative ? "-" + text : text
    }
}
