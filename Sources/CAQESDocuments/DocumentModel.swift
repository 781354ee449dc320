import Foundation

/// A document to render: a title (also the page header), an optional
/// reference shown at the right of the header, content blocks and a footer.
public struct DocumentContent: Sendable, Hashable {
    /// Document title: header line of every page and PDF metadata `/Title`.
    public var title: String
    /// Short reference shown at the right of the header (e.g. "CAQES-2025-0042").
    public var reference: String?
    /// Content, laid out top to bottom with automatic page breaks.
    public var blocks: [Block]
    /// Footer printed on every page.
    public var footer: FooterInfo

    public init(title: String, reference: String? = nil, blocks: [Block], footer: FooterInfo) {
        self.title = title
        self.reference = reference
        self.blocks = blocks
        self.footer = footer
    }
}

/// Footer of every page: the caller's verification line at the left
/// (wrapped to at most three lines) and "Page n / N" at the right.
public struct FooterInfo: Sendable, Hashable {
    /// e.g. "Vérifiez ce document sur https://…/verifier avec son empreinte SHA-256".
    public var verificationLine: String

    public init(verificationLine: String) {
        self.verificationLine = verificationLine
    }
}

/// A run of text, regular or bold.
public struct TextRun: Sendable, Hashable, ExpressibleByStringLiteral {
    public var text: String
    public var bold: Bool

    public init(_ text: String, bold: Bool = false) {
        self.text = text
        self.bold = bold
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Convenience for a bold run.
    public static func bold(_ text: String) -> TextRun { TextRun(text, bold: true) }
}

/// Horizontal alignment of table cells.
public enum TextAlignment: Sendable, Hashable {
    case left, center, right
}

/// A table column: header text, width as a fraction of the text width
/// (fractions are normalised if they do not sum to 1) and alignment
/// (use `.right` for numbers).
public struct TableColumn: Sendable, Hashable {
    public var title: String
    public var width: Double
    public var alignment: TextAlignment

    public init(_ title: String, width: Double, alignment: TextAlignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// A table row; `bold` for emphasised rows such as totals.
public struct TableRow: Sendable, Hashable, ExpressibleByArrayLiteral {
    public var cells: [String]
    public var bold: Bool

    public init(_ cells: [String], bold: Bool = false) {
        self.cells = cells
        self.bold = bold
    }

    public init(arrayLiteral elements: String...) {
        self.init(elements)
    }
}

/// A table with a header row repeated at the top of each page it spans.
/// Cells wrap; a row taller than a page is split between pages.
public struct Table: Sendable, Hashable {
    public var columns: [TableColumn]
    public var rows: [TableRow]

    public init(columns: [TableColumn], rows: [TableRow]) {
        self.columns = columns
        self.rows = rows
    }
}

/// One line of a key–value list.
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// A signatory box: role (bold), name, optional organisation, then
/// "Date :" and "Signature :" lines.
public struct Signatory: Sendable, Hashable {
    public var name: String
    public var role: String
    public var organization: String?

    public init(name: String, role: String, organization: String? = nil) {
        self.name = name
        self.role = role
        self.organization = organization
    }
}

/// A content block.
public enum Block: Sendable, Hashable {
    /// Heading, level 1 (largest) to 3; kept on the same page as the next lines.
    case heading(String, level: Int)
    /// Paragraph of runs, wrapped and aligned left; "\n" forces a line break.
    case paragraph([TextRun])
    /// Two-column list: bold keys, wrapped values.
    case keyValues([KeyValue])
    case table(Table)
    /// Starts a new page (ignored at the top of an empty page).
    case pageBreak
    /// Signature boxes, two per row, never split across pages.
    case signatures([Signatory])
    /// Vertical space in points.
    case spacer(Double)
    /// Horizontal bar chart: a title, then one bar per item (label, bar, value text).
    case barChart(BarChart)

    /// Convenience for a plain paragraph.
    public static func text(_ text: String) -> Block { .paragraph([TextRun(text)]) }
}

/// A horizontal bar chart drawn with the page's vector operators (no image).
public struct BarChart: Sendable, Hashable {
    public struct Bar: Sendable, Hashable {
        public let label: String
        /// Length as a share of the widest bar, 0…1 (values outside are clamped).
        public let fraction: Double
        /// The value as the reader reads it (« 9 000,00 € », « 2 sur 3 »).
        public let valueText: String

        public init(label: String, fraction: Double, valueText: String) {
            self.label = label
            self.fraction = fraction
            self.valueText = valueText
        }
    }

    public let title: String
    public let bars: [Bar]

    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }
}
