/// How a CSV file is written: encoding, byte-order mark, separator and quote character.
public struct CSVDialect: Sendable, Equatable, Hashable {
    public var encoding: TextEncoding
    /// Whether the file starts with a UTF-8 byte-order mark (`EF BB BF`); the reader skips it anyway.
    public var hasBOM: Bool
    /// `;` (0x3B), `,` (0x2C) or tab (0x09); any ASCII byte other than the quote, CR and LF works.
    public var separator: UInt8
    public var quote: UInt8

    public init(encoding: TextEncoding = .utf8, hasBOM: Bool = false, separator: UInt8 = 0x3B, quote: UInt8 = 0x22) {
        self.encoding = encoding
        self.hasBOM = hasBOM
        self.separator = separator
        self.quote = quote
    }

    /// The usual French export: UTF-8, `;`.
    public static let semicolonUTF8 = CSVDialect()

    /// French description for import screens, e.g. « UTF-8 avec BOM, séparateur « ; » ».
    public var label: String {
        var text = encoding.label
        if hasBOM { text += " avec BOM" }
        return text + ", séparateur " + Self.separatorName(separator)
    }

    static func separatorName(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: "tabulation"
        case 0x20: "espace"
        default: "« \(Character(Unicode.Scalar(byte))) »"
        }
    }
}
