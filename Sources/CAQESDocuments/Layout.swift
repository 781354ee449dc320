// Layout engine: turns `DocumentContent` into one content stream per A4 page.
// Body layout is a single pass; header and footer ("Page n / N") are added
// once the page count is known.

/// A4 page geometry in points (1 pt = 1/72 in).
enum PageGeometry {
    static let width = 595.28
    static let height = 841.89
    static let marginLeft = 56.69  // 2 cm
    static let marginRight = 56.69
    static let contentLeft = marginLeft
    static let contentRight = width - marginRight
    static let contentWidth = contentRight - contentLeft
    /// Top of the body area (the header sits above).
    static let contentTop = height - 74
    /// Bottom of the body area (the footer sits below).
    static let contentBottom = 76.0
    static let headerBaseline = height - 44
    static let headerRule = height - 52
    static let footerRule = 66.0
    static let footerFirstBaseline = 55.0
}

/// Encoded text with a font per byte (or one font for all bytes).
struct StyledText {
    var bytes: [UInt8]
    /// Font of each byte; empty when every byte uses `uniform`.
    var fonts: [FontFace]
    var uniform: FontFace

    init(_ text: String, font: FontFace, keepNewlines: Bool = false) {
        bytes = PDFTextEncoding.encode(text, keepNewlines: keepNewlines)
        fonts = []
        uniform = font
    }

    init(runs: [TextRun]) {
        bytes = []
        fonts = []
        uniform = .regular
        if runs.allSatisfy({ !$0.bold }) || runs.allSatisfy({ $0.bold }) {
            uniform = runs.first?.bold == true ? .bold : .regular
            for run in runs { bytes.append(contentsOf: PDFTextEncoding.encode(run.text, keepNewlines: true)) }
            return
        }
        for run in runs {
            let encoded = PDFTextEncoding.encode(run.text, keepNewlines: true)
            bytes.append(contentsOf: encoded)
            fonts.append(contentsOf: repeatElement(run.bold ? .bold : .regular, count: encoded.count))
        }
    }

    @inline(__always)
    func font(at i: Int) -> FontFace { fonts.isEmpty ? uniform : fonts[i] }

    /// Width in 1/1000 em of `range`.
    func units(_ range: Range<Int>) -> Int {
        var total = 0
        if fonts.isEmpty {
            let table = uniform.widths
            for i in range { total &+= Int(table[Int(bytes[i])]) }
        } else {
            let regular = FontMetricsTable.helvetica
            let bold = FontMetricsTable.helveticaBold
            for i in range {
                total &+= Int((fonts[i] == .bold ? bold : regular)[Int(bytes[i])])
            }
        }
        return total
    }

    func width(_ range: Range<Int>, size: Double) -> Double {
        Double(units(range)) * size / 1000
    }

    /// Greedy line breaking at spaces (0x20) and forced breaks (newline
    /// marker). A word longer than `maxWidth` is broken between characters,
    /// so no line is ever wider than `maxWidth` (except a single character
    /// wider than the whole line). Returned ranges carry no leading or
    /// trailing breakable spaces.
    func lines(size: Double, maxWidth: Double) -> [Range<Int>] {
        var result: [Range<Int>] = []
        let n = bytes.count
        let maxUnits = maxWidth * 1000 / size
        let regular = FontMetricsTable.helvetica
        let bold = FontMetricsTable.helveticaBold
        let uniformTable = uniform.widths
        let perByteFonts = !fonts.isEmpty

        @inline(__always) func advance(_ i: Int) -> Int {
            let b = Int(bytes[i])
            if perByteFonts { return Int((fonts[i] == .bold ? bold : regular)[b]) }
            return Int(uniformTable[b])
        }
        @inline(__always) func trimmedEnd(_ start: Int, _ end: Int) -> Int {
            var e = end
            while e > start && bytes[e - 1] == 0x20 { e -= 1 }
            return e
        }

        var i = 0
        var lineStart = 0
        var lineUnits = 0
        var lastSpace = -1
        var atLineStart = true
        while i < n {
            let c = bytes[i]
            if atLineStart {
                if c == 0x20 { i += 1; continue }
                lineStart = i
                lineUnits = 0
                lastSpace = -1
                atLineStart = false
            }
            if c == PDFTextEncoding.newline {
                result.append(lineStart..<trimmedEnd(lineStart, i))
                i += 1
                atLineStart = true
                continue
            }
            if c == 0x20 {
                lastSpace = i
                lineUnits &+= advance(i)
                i += 1
                continue
            }
            let w = advance(i)
            if Double(lineUnits &+ w) > maxUnits && i > lineStart {
                if lastSpace > lineStart {
                    // Break at the last space; the pending word starts the next line.
                    result.append(lineStart..<trimmedEnd(lineStart, lastSpace))
                    i = lastSpace + 1
                } else {
                    // A single word wider than the line: break inside it.
                    result.append(lineStart..<i)
                }
                atLineStart = true
                continue
            }
            lineUnits &+= w
            i += 1
        }
        if !atLineStart {
            let end = trimmedEnd(lineStart, n)
            if end > lineStart { result.append(lineStart..<end) }
        }
        return result
    }

    /// The bytes of `range` cut to fit `maxWidth`, ending with "…" when cut.
    func truncated(_ range: Range<Int>, size: Double, maxWidth: Double) -> StyledText {
        var copy = self
        if width(range, size: size) <= maxWidth {
            copy.bytes = Array(bytes[range])
            if !fonts.isEmpty { copy.fonts = Array(fonts[range]) }
            return copy
        }
        let ellipsisFont = font(at: range.lowerBound)
        let budget = maxWidth - TextMetrics.width(CollectionOfOne(PDFTextEncoding.ellipsis), font: ellipsisFont, size: size)
        var end = range.lowerBound
        var used = 0.0
        while end < range.upperBound {
            let w = TextMetrics.width(CollectionOfOne(bytes[end]), font: font(at: end), size: size)
            if used + w > budget { break }
            used += w
            end += 1
        }
        copy.bytes = Array(bytes[range.lowerBound..<end]) + [PDFTextEncoding.ellipsis]
        if !fonts.isEmpty { copy.fonts = Array(fonts[range.lowerBound..<end]) + [ellipsisFont] }
        return copy
    }
}

/// Drawing primitives written into a page content stream.
extension ByteWriter {
    /// Draws `range` of `text` with its left edge at `x` and baseline `y`.
    mutating func drawText(_ text: StyledText, _ range: Range<Int>, x: Double, y: Double, size: Double) {
        guard !range.isEmpty else { return }
        ascii("BT ")
        number(x)
        byte(0x20)
        number(y)
        ascii(" Td")
        var runStart = range.lowerBound
        while runStart < range.upperBound {
            let font = text.font(at: runStart)
            var runEnd = runStart + 1
            if !text.fonts.isEmpty {
                while runEnd < range.upperBound && text.fonts[runEnd] == font { runEnd += 1 }
            } else {
                runEnd = range.upperBound
            }
            byte(0x20)
            ascii(font.resourceName)
            byte(0x20)
            number(size)
            ascii(" Tf")
            showText(text.bytes[runStart..<runEnd])
            runStart = runEnd
        }
        ascii(" ET\n")
    }

    /// Writes `Tj` operators for `run`. Words holding a no-break space
    /// (0x81 / 0xA0) are wrapped in an `/ActualText` span: text extractors
    /// such as poppler treat a lone space glyph as a word break and print
    /// U+0020, whereas the span gives back the exact word (U+202F, U+00A0).
    private mutating func showText(_ run: ArraySlice<UInt8>) {
        var pending = run.startIndex  // start of bytes not yet written
        var wordStart = run.startIndex
        var i = run.startIndex
        while i <= run.endIndex {
            let atBoundary = i == run.endIndex || run[i] == 0x20
            if atBoundary {
                let word = run[wordStart..<i]
                if word.contains(where: { $0 == PDFTextEncoding.narrowNoBreakSpace || $0 == PDFTextEncoding.noBreakSpace }) {
                    if pending < wordStart {
                        byte(0x20)
                        literalString(run[pending..<wordStart])
                        ascii(" Tj")
                    }
                    ascii(" /Span << /ActualText <FEFF")
                    for code in word {
                        let unicode = PDFTextEncoding.unicode(of: code)
                        hexDigits([UInt8(truncatingIfNeeded: unicode >> 8), UInt8(truncatingIfNeeded: unicode)])
                    }
                    ascii("> >> BDC ")
                    literalString(word)
                    ascii(" Tj EMC")
                    pending = i
                }
                wordStart = i + 1
            }
            i += 1
        }
        if pending < run.endIndex {
            byte(0x20)
            literalString(run[pending..<run.endIndex])
            ascii(" Tj")
        }
    }

    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double) {
        number(x); byte(0x20); number(y); byte(0x20); number(width); byte(0x20); number(height)
        ascii(" re S\n")
    }

    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        number(gray)
        ascii(" g ")
        number(x); byte(0x20); number(y); byte(0x20); number(width); byte(0x20); number(height)
        ascii(" re f 0 g\n")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double) {
        number(x1); byte(0x20); number(y1); ascii(" m ")
        number(x2); byte(0x20); number(y2); ascii(" l S\n")
    }
}

/// Font sizes and spacing.
enum Style {
    static let bodySize = 10.0
    static let bodyLeading = 13.5
    static let paragraphAfter = 6.0
    static let tableSize = 9.0
    static let tableLeading = 11.5
    static let cellPadding = 3.5
    static let headingSizes: [Double] = [16, 13, 11]
    static let headingBefore: [Double] = [14, 10, 8]
    static let headingAfter: [Double] = [6, 5, 4]
    static let headerSize = 8.0
    static let footerSize = 7.5
    static let footerLeading = 9.0
    static let borderGray = 0.55
    static let headerFillGray = 0.88
    static let emphasisFillGray = 0.95
    static let maxHeaderLines = 4
    /// Lines per signature box (role + name + organisation), so a box always fits a page.
    static let maxSignatureLines = 24

    /// Distance from the top of a line box to the baseline.
    @inline(__always)
    static func baselineOffset(size: Double, leading: Double) -> Double {
        (leading - size) / 2 + 0.78 * size
    }
}

struct LayoutEngine {
    private(set) var pages: [ByteWriter] = []
    private var page = ByteWriter(capacity: 8192)
    /// Top of the free area on the current page.
    private var y = PageGeometry.contentTop
    private var pageHasContent = false

    static func layout(_ content: DocumentContent) throws -> [ByteWriter] {
        var engine = LayoutEngine()
        for block in content.blocks {
            try engine.place(block)
        }
        engine.pages.append(engine.page)
        return engine.pages
    }

    private mutating func newPage() {
        pages.append(page)
        page = ByteWriter(capacity: 8192)
        y = PageGeometry.contentTop
        pageHasContent = false
    }

    private var available: Double { y - PageGeometry.contentBottom }

    private mutating func place(_ block: Block) throws {
        switch block {
        case .heading(let text, let level):
            heading(text, level: min(max(level, 1), 3))
        case .paragraph(let runs):
            paragraph(StyledText(runs: runs))
        case .keyValues(let items):
            keyValues(items)
        case .table(let table):
            try self.table(table)
        case .pageBreak:
            if pageHasContent { newPage() }
        case .signatures(let signatories):
            signatures(signatories)
        case .spacer(let height):
            guard height > 0, pageHasContent else { return }
            if available - height < Style.bodyLeading { newPage() } else { y -= height }
        case .barChart(let chart):
            barChart(chart)
        }
    }

    /// The title, then one row per bar: the label (cut with « … »), a gray bar in proportion,
    /// the value text after it. The title stays with at least three bars.
    private mutating func barChart(_ chart: BarChart) {
        let size = Style.bodySize
        let leading = Style.bodyLeading + 4
        let offset = Style.baselineOffset(size: size, leading: leading)
        let title = StyledText(chart.title, font: .bold)
        let titleLines = title.lines(size: size, maxWidth: PageGeometry.contentWidth)
        if pageHasContent && available < Double(titleLines.count + min(chart.bars.count, 3)) * leading { newPage() }
        for line in titleLines {
            if available < leading { newPage() }
            page.drawText(title, line, x: PageGeometry.contentLeft, y: y - offset, size: size)
            y -= leading
            pageHasContent = true
        }
        let labelWidth = PageGeometry.contentWidth * 0.34
        let valueWidth = PageGeometry.contentWidth * 0.2
        let barMax = PageGeometry.contentWidth - labelWidth - valueWidth - 12
        for bar in chart.bars {
            if available < leading { newPage() }
            let label = StyledText(bar.label, font: .regular)
            page.drawText(label.truncated(0..<label.bytes.count, size: size, maxWidth: labelWidth - 6),
                          0..<label.truncated(0..<label.bytes.count, size: size, maxWidth: labelWidth - 6).bytes.count,
                          x: PageGeometry.contentLeft, y: y - offset, size: size)
            let fraction = bar.fraction.isFinite ? min(max(bar.fraction, 0), 1) : 0
            let length = fraction > 0 ? max(1, fraction * barMax) : 0
            if length > 0 {
                page.fillRect(x: PageGeometry.contentLeft + labelWidth, y: y - leading + 4, width: length, height: leading - 8, gray: 0.35)
            }
            let value = StyledText(bar.valueText, font: .regular)
            let cut = value.truncated(0..<value.bytes.count, size: size, maxWidth: valueWidth)
            page.drawText(cut, 0..<cut.bytes.count, x: PageGeometry.contentLeft + labelWidth + length + 6, y: y - offset, size: size)
            y -= leading
            pageHasContent = true
        }
        if available < Style.paragraphAfter { newPage() } else { y -= Style.paragraphAfter }
    }

    // MARK: Text blocks

    private mutating func heading(_ text: String, level: Int) {
        let size = Style.headingSizes[level - 1]
        let leading = size * 1.25
        let before = pageHasContent ? Style.headingBefore[level - 1] : 0
        let styled = StyledText(text, font: .bold)
        let lines = styled.lines(size: size, maxWidth: PageGeometry.contentWidth)
        // Keep the heading with at least two body lines.
        let needed = before + Double(lines.count) * leading + Style.headingAfter[level - 1] + 2 * Style.bodyLeading
        if pageHasContent && available < needed {
            newPage()
        } else {
            y -= before
        }
        for line in lines {
            if available < leading { newPage() }
            page.drawText(styled, line, x: PageGeometry.contentLeft,
                          y: y - Style.baselineOffset(size: size, leading: leading), size: size)
            y -= leading
            pageHasContent = true
        }
        if level == 1 {
            page.ascii("0.6 w ")
            page.line(x1: PageGeometry.contentLeft, y1: y - 1, x2: PageGeometry.contentRight, y2: y - 1)
            page.ascii("1 w\n")
        }
        y -= Style.headingAfter[level - 1]
    }

    private mutating func paragraph(_ text: StyledText) {
        let size = Style.bodySize
        let leading = Style.bodyLeading
        let offset = Style.baselineOffset(size: size, leading: leading)
        for line in text.lines(size: size, maxWidth: PageGeometry.contentWidth) {
            if available < leading { newPage() }
            page.drawText(text, line, x: PageGeometry.contentLeft, y: y - offset, size: size)
            y -= leading
            pageHasContent = true
        }
        if available < Style.paragraphAfter { newPage() } else { y -= Style.paragraphAfter }
    }

    // MARK: Rows (tables and key–value lists)

    private struct ColumnGeometry {
        var x: Double
        var width: Double
        var alignment: TextAlignment
    }

    private struct RowLayout {
        var cells: [StyledText]
        var lines: [[Range<Int>]]
        var lineCount: Int
        var fillGray: Double?
    }

    private struct RowStyle {
        var size: Double
        var leading: Double
        var padding: Double
        var borders: Bool
    }

    private func layoutRow(_ cells: [StyledText], columns: [ColumnGeometry], style: RowStyle, fillGray: Double?) -> RowLayout {
        var lines: [[Range<Int>]] = []
        lines.reserveCapacity(cells.count)
        var count = 1
        for (cell, column) in zip(cells, columns) {
            let cellLines = cell.lines(size: style.size, maxWidth: max(column.width - 2 * style.padding, 1))
            count = max(count, cellLines.count)
            lines.append(cellLines)
        }
        return RowLayout(cells: cells, lines: lines, lineCount: count, fillGray: fillGray)
    }

    /// Draws lines `first..<first+count` of `row` at the current position.
    private mutating func drawRowSlice(_ row: RowLayout, first: Int, count: Int, columns: [ColumnGeometry], style: RowStyle) {
        let height = Double(count) * style.leading + 2 * style.padding
        let top = y
        let bottom = y - height
        guard let firstColumn = columns.first, let lastColumn = columns.last else { return }
        let left = firstColumn.x
        let right = lastColumn.x + lastColumn.width
        if let gray = row.fillGray {
            page.fillRect(x: left, y: bottom, width: right - left, height: height, gray: gray)
        }
        if style.borders {
            page.strokeRect(x: left, y: bottom, width: right - left, height: height)
            for column in columns.dropFirst() {
                page.line(x1: column.x, y1: bottom, x2: column.x, y2: top)
            }
        }
        let offset = Style.baselineOffset(size: style.size, leading: style.leading)
        for (c, column) in columns.enumerated() where c < row.cells.count {
            let cellLines = row.lines[c]
            let end = min(first + count, cellLines.count)
            guard first < end else { continue }
            for k in first..<end {
                let range = cellLines[k]
                let baseline = top - style.padding - Double(k - first) * style.leading - offset
                let x: Double
                switch column.alignment {
                case .left:
                    x = column.x + style.padding
                case .right:
                    x = column.x + column.width - style.padding - row.cells[c].width(range, size: style.size)
                case .center:
                    x = column.x + (column.width - row.cells[c].width(range, size: style.size)) / 2
                }
                page.drawText(row.cells[c], range, x: x, y: baseline, size: style.size)
            }
        }
        y = bottom
        pageHasContent = true
    }

    /// Places rows with page breaks; `header` is drawn first and again at
    /// the top of every following page. Rows taller than a page are split.
    private mutating func placeRows(_ rows: [RowLayout], header: RowLayout?, columns: [ColumnGeometry], style: RowStyle) {
        let headerHeight = header.map { Double($0.lineCount) * style.leading + 2 * style.padding } ?? 0
        let maxLinesOnFreshPage = max(1, Int(((PageGeometry.contentTop - PageGeometry.contentBottom) - headerHeight - 2 * style.padding) / style.leading))
        var rowsOnPage = 0

        func startPage(_ engine: inout LayoutEngine, fresh: Bool) {
            if fresh { engine.newPage() }
            if let header {
                engine.drawRowSlice(header, first: 0, count: header.lineCount, columns: columns, style: style)
            }
        }

        // Header plus the first line of the first row must fit.
        let firstRowLines = min(rows.first?.lineCount ?? 0, 1)
        let minimum = headerHeight + Double(firstRowLines) * style.leading + 2 * style.padding
        startPage(&self, fresh: pageHasContent && available < minimum)

        for row in rows {
            var start = 0
            while start < row.lineCount {
                let remaining = row.lineCount - start
                let fit = Int((available - 2 * style.padding) / style.leading)
                if fit >= remaining {
                    drawRowSlice(row, first: start, count: remaining, columns: columns, style: style)
                    rowsOnPage += 1
                    break
                }
                if start == 0 && rowsOnPage > 0 && remaining <= maxLinesOnFreshPage {
                    // The row fits on a fresh page: move it there whole.
                    startPage(&self, fresh: true)
                    rowsOnPage = 0
                    continue
                }
                if fit >= 1 {
                    drawRowSlice(row, first: start, count: fit, columns: columns, style: style)
                    start += fit
                }
                startPage(&self, fresh: true)
                rowsOnPage = 0
            }
        }
    }

    private mutating func table(_ table: Table) throws {
        guard !table.columns.isEmpty else { throw DocumentError.invalidTable("aucune colonne") }
        let total = table.columns.reduce(0) { $0 + $1.width }
        guard total > 0, table.columns.allSatisfy({ $0.width > 0 && $0.width.isFinite }) else {
            throw DocumentError.invalidTable("largeurs de colonnes invalides")
        }
        var columns: [ColumnGeometry] = []
        var x = PageGeometry.contentLeft
        for column in table.columns {
            let width = PageGeometry.contentWidth * column.width / total
            columns.append(ColumnGeometry(x: x, width: width, alignment: column.alignment))
            x += width
        }
        let style = RowStyle(size: Style.tableSize, leading: Style.tableLeading, padding: Style.cellPadding, borders: true)
        var header = layoutRow(table.columns.map { StyledText($0.title, font: .bold) }, columns: columns,
                               style: style, fillGray: Style.headerFillGray)
        // The header is repeated on every page: keep it short (at most 4 lines per cell).
        header.lines = header.lines.map { Array($0.prefix(Style.maxHeaderLines)) }
        header.lineCount = min(header.lineCount, Style.maxHeaderLines)
        var rows: [RowLayout] = []
        rows.reserveCapacity(table.rows.count)
        for (index, row) in table.rows.enumerated() {
            guard row.cells.count <= columns.count else {
                throw DocumentError.invalidTable("la ligne \(index + 1) a \(row.cells.count) cellules pour \(columns.count) colonnes")
            }
            var cells = row.cells.map { StyledText($0, font: row.bold ? .bold : .regular) }
            while cells.count < columns.count { cells.append(StyledText("", font: .regular)) }
            rows.append(layoutRow(cells, columns: columns, style: style, fillGray: row.bold ? Style.emphasisFillGray : nil))
        }
        page.number(Style.borderGray)
        page.ascii(" G 0.5 w\n")
        // Header cells share the column alignment (numeric headers right-aligned).
        placeRows(rows, header: header, columns: columns, style: style)
        page.ascii("0 G 1 w\n")
        if available < Style.paragraphAfter * 1.5 { newPage() } else { y -= Style.paragraphAfter * 1.5 }
    }

    private mutating func keyValues(_ items: [KeyValue]) {
        guard !items.isEmpty else { return }
        let keyWidth = PageGeometry.contentWidth * 0.34
        let columns = [
            ColumnGeometry(x: PageGeometry.contentLeft, width: keyWidth, alignment: .left),
            ColumnGeometry(x: PageGeometry.contentLeft + keyWidth, width: PageGeometry.contentWidth - keyWidth, alignment: .left),
        ]
        let style = RowStyle(size: Style.bodySize, leading: Style.bodyLeading, padding: 1.5, borders: false)
        let rows = items.map { item in
            layoutRow([StyledText(item.key, font: .bold), StyledText(item.value, font: .regular, keepNewlines: true)],
                      columns: columns, style: style, fillGray: nil)
        }
        placeRows(rows, header: nil, columns: columns, style: style)
        if available < Style.paragraphAfter { newPage() } else { y -= Style.paragraphAfter }
    }

    // MARK: Signatures

    private mutating func signatures(_ signatories: [Signatory]) {
        guard !signatories.isEmpty else { return }
        let gap = 14.0
        let padding = 7.0
        let boxWidth = (PageGeometry.contentWidth - gap) / 2
        let textWidth = boxWidth - 2 * padding
        let signatureArea = 56.0
        if pageHasContent { y -= 6 }
        var index = 0
        while index < signatories.count {
            let pair = Array(signatories[index..<min(index + 2, signatories.count)])
            index += 2
            // Lines of each box: role (bold), name, organisation.
            var boxes: [[(StyledText, Range<Int>, Double)]] = []
            for signatory in pair {
                var lines: [(StyledText, Range<Int>, Double)] = []
                let role = StyledText(signatory.role, font: .bold)
                for r in role.lines(size: 9.5, maxWidth: textWidth) { lines.append((role, r, 9.5)) }
                let name = StyledText(signatory.name, font: .regular)
                for r in name.lines(size: 10, maxWidth: textWidth) { lines.append((name, r, 10)) }
                if let organization = signatory.organization, !organization.isEmpty {
                    let org = StyledText(organization, font: .regular)
                    for r in org.lines(size: 9, maxWidth: textWidth) { lines.append((org, r, 9)) }
                }
                boxes.append(Array(lines.prefix(Style.maxSignatureLines)))
            }
            let lineHeight = 12.5
            let maxLines = boxes.map(\.count).max() ?? 0
            let boxHeight = 2 * padding + Double(maxLines) * lineHeight + 8 + 14 + signatureArea
            if available < boxHeight + 10 && pageHasContent { newPage() }
            let top = y
            for (b, lines) in boxes.enumerated() {
                let x = PageGeometry.contentLeft + Double(b) * (boxWidth + gap)
                page.number(Style.borderGray)
                page.ascii(" G 0.6 w\n")
                page.strokeRect(x: x, y: top - boxHeight, width: boxWidth, height: boxHeight)
                var lineTop = top - padding
                for (text, range, size) in lines {
                    page.drawText(text, range, x: x + padding,
                                  y: lineTop - Style.baselineOffset(size: size, leading: lineHeight), size: size)
                    lineTop -= lineHeight
                }
                let dateTop = top - padding - Double(maxLines) * lineHeight - 8
                let dateLabel = StyledText("Date :", font: .regular)
                let dateBaseline = dateTop - Style.baselineOffset(size: 9, leading: 14)
                page.drawText(dateLabel, 0..<dateLabel.bytes.count, x: x + padding, y: dateBaseline, size: 9)
                let labelWidth = dateLabel.width(0..<dateLabel.bytes.count, size: 9) + 4
                page.line(x1: x + padding + labelWidth, y1: dateBaseline - 1.5, x2: x + boxWidth - padding, y2: dateBaseline - 1.5)
                let signLabel = StyledText("Signature :", font: .regular)
                page.drawText(signLabel, 0..<signLabel.bytes.count, x: x + padding,
                              y: dateTop - 14 - Style.baselineOffset(size: 9, leading: 14), size: 9)
                page.ascii("0 G 1 w\n")
            }
            y = top - boxHeight - 10
            pageHasContent = true
        }
    }
}

/// Header and footer, identical on every page except the page number.
struct PageDecorations {
    private let header: [UInt8]
    private let footer: [UInt8]

    init(content: DocumentContent) {
        var h = ByteWriter(capacity: 512)
        let width = PageGeometry.contentWidth
        var referenceWidth = 0.0
        h.ascii("0.35 g\n")
        if let reference = content.reference, !reference.isEmpty {
            let ref = StyledText(reference, font: .regular)
            let fitted = ref.truncated(0..<ref.bytes.count, size: Style.headerSize, maxWidth: width * 0.45)
            referenceWidth = fitted.width(0..<fitted.bytes.count, size: Style.headerSize)
            h.drawText(fitted, 0..<fitted.bytes.count, x: PageGeometry.contentRight - referenceWidth,
                       y: PageGeometry.headerBaseline, size: Style.headerSize)
        }
        let title = StyledText(content.title, font: .bold)
        let titleMax = width - (referenceWidth > 0 ? referenceWidth + 12 : 0)
        let fittedTitle = title.truncated(0..<title.bytes.count, size: Style.headerSize, maxWidth: titleMax)
        h.drawText(fittedTitle, 0..<fittedTitle.bytes.count, x: PageGeometry.contentLeft,
                   y: PageGeometry.headerBaseline, size: Style.headerSize)
        h.ascii("0 g 0.7 G 0.5 w\n")
        h.line(x1: PageGeometry.contentLeft, y1: PageGeometry.headerRule, x2: PageGeometry.contentRight, y2: PageGeometry.headerRule)
        h.line(x1: PageGeometry.contentLeft, y1: PageGeometry.footerRule, x2: PageGeometry.contentRight, y2: PageGeometry.footerRule)
        h.ascii("0 G 1 w\n")
        header = h.bytes

        // Verification line: left part of the footer, at most three lines.
        var f = ByteWriter(capacity: 512)
        f.ascii("0.35 g\n")
        let pageNumberReserve = 70.0
        let verification = StyledText(content.footer.verificationLine, font: .regular)
        let maxWidth = width - pageNumberReserve
        var lines = verification.lines(size: Style.footerSize, maxWidth: maxWidth)
        var lastLine: StyledText?
        if lines.count > 3, let third = lines.dropFirst(2).first, let last = lines.last {
            lastLine = verification.truncated(third.lowerBound..<last.upperBound, size: Style.footerSize, maxWidth: maxWidth)
            lines = Array(lines.prefix(2))
        }
        var baseline = PageGeometry.footerFirstBaseline
        for line in lines {
            f.drawText(verification, line, x: PageGeometry.contentLeft, y: baseline, size: Style.footerSize)
            baseline -= Style.footerLeading
        }
        if let lastLine {
            f.drawText(lastLine, 0..<lastLine.bytes.count, x: PageGeometry.contentLeft, y: baseline, size: Style.footerSize)
        }
        f.ascii("0 g\n")
        footer = f.bytes
    }

    /// Full content stream of page `number` (1-based) of `total`.
    func pageStream(body: ByteWriter, number: Int, total: Int) -> [UInt8] {
        var out = ByteWriter(capacity: header.count + body.count + footer.count + 96)
        out.append(contentsOf: header)
        out.append(contentsOf: body.bytes)
        out.append(contentsOf: footer)
        var label = ByteWriter(capacity: 24)
        label.ascii("Page ")
        label.int(number)
        label.ascii(" / ")
        label.int(total)
        let text = StyledText(String(decoding: label.bytes, as: UTF8.self), font: .regular)
        let w = text.width(0..<text.bytes.count, size: Style.footerSize + 0.5)
        out.ascii("0.35 g\n")
        out.drawText(text, 0..<text.bytes.count, x: PageGeometry.contentRight - w,
                     y: PageGeometry.footerFirstBaseline, size: Style.footerSize + 0.5)
        out.ascii("0 g\n")
        return out.bytes
    }
}
