import Foundation

/// A FINESS number (Fichier national des établissements sanitaires et sociaux), EJ or ET.
///
/// Nine characters: digits, except `2A`/`2B` (Corsica) in positions 1–2. The ninth character is a
/// Luhn key computed over all nine characters, `2A` counting as `21` and `2B` as `22` (D15).
/// Spaces are stripped before validation, since ANS displays the number as `NN NNN NNN N`.
public struct FINESS: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The nine characters, upper-case, without spaces.
    public let value: String

    /// Validates format and key.
    public init(_ raw: String) throws(FINESSError) {
        let value = try Self.normalizedFormat(raw)
        guard Self.hasValidKey(value) else { throw .badKey(raw) }
        self.value = value
    }

    /// Validates the format only (for bulk imports told to accept bad keys, D15).
    public init(uncheckedKey raw: String) throws(FINESSError) {
        self.value = try Self.normalizedFormat(raw)
    }

    /// Whether the Luhn key of this number is right.
    public var hasValidKey: Bool { Self.hasValidKey(value) }

    /// The department code: `01`…`95`, `2A`, `2B`, or `971`…`976` overseas (`98` is Mayotte, 976).
    public var departmentCode: String {
        let chars = Array(value)
        let first2 = String(chars[0..<2])
        if first2 == "97" { return "97" + String(chars[3]) }
        if first2 == "98" { return "976" }
        return first2
    }

    public var description: String { value }

    public static func < (lhs: FINESS, rhs: FINESS) -> Bool { lhs.value < rhs.value }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    static func normalizedFormat(_ raw: String) throws(FINESSError) -> String {
        let value = raw.filter { !$0.isWhitespace }.uppercased()
        let chars = Array(value)
        guard chars.count == 9 else { throw .badFormat(raw) }
        for (index, char) in chars.enumerated() {
            if char.isASCII && char.isNumber { continue }
            if index == 1 && chars[0] == "2" && (char == "A" || char == "B") { continue }
            throw .badFormat(raw)
        }
        return value
    }

    static func hasValidKey(_ value: String) -> Bool {
        // Corsica: "2A" counts as "21" and "2B" as "22" (D15), giving ten digits.
        var text = value
        if text.hasPrefix("2A") { text = "21" + text.dropFirst(2) }
        if text.hasPrefix("2B") { text = "22" + text.dropFirst(2) }
        var sum = 0
        for (offset, char) in text.reversed().enumerated() {
            guard let digit = char.wholeNumberValue else { return false }
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}

/// Why a FINESS number was refused.
public enum FINESSError: Error, Equatable, Sendable, CustomStringConvertible {
    case badFormat(String)
    case badKey(String)

    public var description: String {
        switch self {
        case .badFormat(let raw):
            return "numéro FINESS « \(raw) » invalide : 9 caractères attendus (chiffres, ou 2A/2B pour la Corse)"
        case .badKey(let raw):
            return "numéro FINESS « \(raw) » invalide : la clé de contrôle (Luhn) est fausse"
        }
    }
}
