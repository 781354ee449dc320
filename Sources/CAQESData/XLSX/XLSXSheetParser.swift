import Foundation

/// One row of a sheet: its 1-based row number and its cells from column A (absent cells `.empty`).
public struct XLSXRow: Sendable, Equatable {
    public let number: Int
    public let cells: [XLSXCell]
}

/// A worksheet part: `<row r>` of `<c r t s>` cells holding `<v>`, or `<is><t>` for inline text.
struct SheetParser: XMLHandler {
    let sharedStrings: [String]
    let formats: [XLSXNumberFormat]
    let date1904: Bool
    let limits: ReadLimits
    var rows: [XLSXRow] = []
    /// Excel's last column is XFD: a reference beyond it is refused, not padded to.
    static let maximumColumns = 16_384

    private enum CellType { case number, shared, inline, formulaText, boolean, error, isoDate }
    private var rowNumber = 0
    private var cells: [XLSXCell] = []
    private var column = 0
    private var type = CellType.number
    private var style = 0
    private var value: [UInt8] = []
    private var collecting = false, inInline = false, inPhonetic = false
    /// Cells stored in the rows so far (padding included), against `limits.maximumCells`.
    private var cellCount = 0
    private var part = ""

    init(sharedStrings: [String], formats: [XLSXNumberFormat], date1904: Bool, limits: ReadLimits = .standard) {
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.date1904 = date1904
        self.limits = limits
    }

    mutating func parse(_ data: Data, part: String) throws(XLSXError) {
        self.part = part
        try XLSXParts.scan(data, part: part, into: &self)
    }

    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError) {
        if name == "c" {
            column = attributes["r"].flatMap { Self.columnIndex($0.bytes) } ?? cells.count
            guard column < Self.maximumColumns else {
                throw .refused(part: part, reason: "a une cellule au-delà de la dernière colonne d'Excel (XFD) en ligne \(rowNumber)")
            }
            guard cellCount + column < limits.maximumCells else {
                throw .refused(part: part, reason: "a plus de \(ReadLimits.count(limits.maximumCells)) cellules (limite par feuille)")
            }
            type = attributes["t"].map { Self.cellType($0.bytes) } ?? .number
            style = attributes["s"]?.int ?? 0
            value.removeAll(keepingCapacity: true)
        } else if name == "v" {
            collecting = true
        } else if name == "row" {
            guard rows.count < limits.maximumRows else {
                throw .refused(part: part, reason: "a plus de \(ReadLimits.count(limits.maximumRows)) lignes (limite par feuille)")
            }
            rowNumber = attributes["r"]?.int ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
        } else if name == "is" {
            inInline = true
        } else if name == "rPh" {
            inPhonetic = true
        } else if name == "t" && inInline && !inPhonetic {
            collecting = true
        }
    }

    mutating func end(_ name: XMLName) {
        if name == "v" || name == "t" {
            collecting = false
        } else if name == "c" {
            let cell = makeCell()
            if column >= cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count + 1)) }
            cells[column] = cell
        } else if name == "row" {
            while cells.last == .empty { cells.removeLast() }
            cellCount += cells.count
            rows.append(XLSXRow(number: rowNumber, cells: cells))
        } else if name == "is" {
            inInline = false
        } else if name == "rPh" {
            inPhonetic = false
        }
    }

    mutating func text(_ text: XMLText) { if collecting { text.append(to: &value) } }

    private static func cellType(_ bytes: UnsafeRawBufferPointer) -> CellType {
        let name = XMLName(bytes: bytes)
        if name == "s" { return .shared }
        if name == "inlineStr" { return .inline }
        if name == "str" { return .formulaText }
        if name == "b" { return .boolean }
        if name == "e" { return .error }
        if name == "d" { return .isoDate }
        return .number
    }

    private func makeCell() -> XLSXCell {
        switch type {
        case .shared:
            guard let index = Self.int(value),
                  sharedStrings.indices.contains(index) else { return .empty }
            return sharedStrings[index].isEmpty ? .empty : .text(sharedStrings[index])
        case .inline, .formulaText:
            return value.isEmpty ? .empty : .text(String(decoding: value, as: UTF8.self))
        case .boolean:
            return .boolean(value == [0x31] || String(decoding: value, as: UTF8.self).lowercased() == "true")
        case .error:
            return .error(String(decoding: value, as: UTF8.self))
        case .isoDate:
            let text = String(decoding: value, as: UTF8.self)
            return ExcelDate(iso: text).map(XLSXCell.date) ?? (text.isEmpty ? .empty : .text(text))
        case .number:
            guard !value.isEmpty else { return .empty }
            let format = formats.indices.contains(style) ? formats[style] : .general
            let integer = value.count <= 15 ? Self.int(value) : nil
            switch format {
            case .date:
                let text = String(decoding: value, as: UTF8.self)
                if let serial = Double(text), let date = ExcelDate(serial: serial, date1904: date1904) { return .date(date) }
            case .zeroPadded(let width):
                if let integer {
                    let digits = String(integer)
                    return .text(String(repeating: "0", count: max(0, width - digits.count)) + digits)
                }
            case .general:
                break
            }
            if let integer { return .number(Decimal(integer)) }
            let number = value.withUnsafeBytes { XLSXCell.number(fromStored: $0) }
            return number.map(XLSXCell.number) ?? .text(String(decoding: value, as: UTF8.self))
        }
    }

    /// A non-negative integer written in ASCII digits.
    private static func int(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count < 19 else { return nil }
        var result = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            result = result * 10 + Int(c - 0x30)
        }
        return result
    }

    /// `A1` → 0, `AB12` → 27.
    static func columnIndex(_ reference: UnsafeRawBufferPointer) -> Int? {
        var index = 0, letters = 0
        for byte in reference {
            let upper = byte & ~0x20
            guard upper >= 65 && upper <= 90 else { break }
            // Past three letters the column is beyond XFD anyway: stop before `index` overflows.
            guard letters < 4 else { return maximumColumns }
            index = index * 26 + Int(upper - 64)
            letters += 1
        }
        return letters > 0 ? index - 1 : nil
    }

    static func columnIndex(_ reference: String) -> Int? {
        var reference = reference
        return reference.withUTF8 { columnIndex(UnsafeRawBufferPointer($0)) }
    }
}
