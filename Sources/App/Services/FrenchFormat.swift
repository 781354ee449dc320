import CAQESCore
import Foundation

/// French formats for dates and numbers shown to users (D22): 31/12/2026, 14:05, 1 234.
enum FrenchFormat {
    static let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt

    static func dateTime(_ date: Date) -> String {
        let c = components(date)
        return String(format: "%02d/%02d/%04d à %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
    }

    static func time(_ date: Date) -> String {
        let c = components(date)
        return String(format: "%02d h %02d", c.hour!, c.minute!)
    }

    /// `1 234` (CAQESCore's FrenchNumberFormat, the one number writer).
    static func integer(_ value: Int) -> String { FrenchNumberFormat.integer(value) }

    private static func components(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }
}
