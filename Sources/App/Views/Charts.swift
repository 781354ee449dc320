import CAQESCore
import Foundation

/// Small SVG charts for pages where people would rather look than read: every text goes through
/// `HTMLText.escape`, numbers through `FrenchNumberFormat`; each chart has a title and a text
/// equivalent for screen readers. Pages print them with `#unsafeHTML`.
enum Charts {
    /// Horizontal bars: one per label, length in proportion to the largest amount.
    static func bars(_ items: [(String, Decimal)], title: String) -> String {
        guard !items.isEmpty else { return "" }
        let rowHeight = 28, labelWidth = 260, barWidth = 420, width = labelWidth + barWidth + 140
        let height = items.count * rowHeight + 36
        let largest = items.map(\.1).max() ?? 0
        var svg = "<svg class=\"caqes-chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        let summary = items.map { "\($0.0) : \(FrenchNumberFormat.euros($0.1))" }.joined(separator: " ; ")
        svg += "<title id=\"chart-title\">\(HTMLText.escape(title)) — \(HTMLText.escape(summary))</title>"
        svg += "<text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"bold\" fill=\"#161616\">\(HTMLText.escape(title))</text>"
        for (index, item) in items.enumerated() {
            let y = 32 + index * rowHeight
            let share = largest > 0 ? NSDecimalNumber(decimal: item.1 / largest).doubleValue : 0
            let length = max(item.1 > 0 ? 2 : 0, Int((share * Double(barWidth)).rounded()))
            svg += "<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#3a3a3a\">\(HTMLText.escape(String(item.0.prefix(36))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"18\" fill=\"#000091\"></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#161616\">\(HTMLText.escape(FrenchNumberFormat.euros(item.1)))</text>"
        }
        return svg + "</svg>"
    }

    /// Per regional indicator: the share of holders that achieved it (green) or not (red).
    static func achievement(_ items: [(indicator: String, achieved: Int, assessed: Int)]) -> String {
        guard !items.isEmpty else { return "" }
        let rowHeight = 28, labelWidth = 140, barWidth = 420, width = labelWidth + barWidth + 160
        let height = items.count * rowHeight + 36
        let title = "Atteinte des cibles régionales"
        let summary = items.map { "\($0.indicator) : \($0.achieved) sur \($0.assessed)" }.joined(separator: " ; ")
        var svg = "<svg class=\"caqes-chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" aria-labelledby=\"chart-achievement\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"chart-achievement\">\(title) — \(HTMLText.escape(summary))</title>"
        svg += "<text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"bold\" fill=\"#161616\">\(title)</text>"
        for (index, item) in items.enumerated() {
            let y = 32 + index * rowHeight
            let met = item.assessed > 0 ? Int((Double(item.achieved) / Double(item.assessed) * Double(barWidth)).rounded()) : 0
            svg += "<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#3a3a3a\">\(HTMLText.escape(item.indicator))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(met)\" height=\"18\" fill=\"#18753c\"></rect>"
            svg += "<rect x=\"\(labelWidth + met)\" y=\"\(y + 4)\" width=\"\(barWidth - met)\" height=\"18\" fill=\"#ce0500\"></rect>"
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#161616\">\(item.achieved) atteint(s) sur \(item.assessed)</text>"
        }
        return svg + "</svg>"
    }
}
