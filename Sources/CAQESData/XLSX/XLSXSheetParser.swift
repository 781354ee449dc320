import Foundation

/// One row of a sheet: its 1-based row number and its cells from column A (absent cells `.empty`).
public struct XLSXRow: Sendable, Equatable {
    public let number: Int
    public let cells: [XLSXCell]
}

/// A worksheet part: `<row r>` of `<c r t s>` cells holding `<v>`, or `<is><t>` for inline text.
final class SheetParser: XLSXPartParser {
    let sharedStrings: [String]
    let formats: [XLSXNumberFormat]
    let date1904: Bool
    var rows: [XLSXRow] = []

    private var rowNumber = 0
    private var cells: [XLSXCell] = []
    private var column = 0
    private var type = "n"
    private var style = 0
    private var value = ""
    private var collecting = false, inInline = false, inPhonetic = false

    init(sharedStrings: [String], formats: [XLSXNumberFormat], date1904: Bool) {
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.date1904 = date1904
    }

    override func start(_ name: Substring, _ attributes: [String: String]) {
        switch name {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = []
            column = 0
        case "c":
            column = attributes["r"].flatMap(Self.columnIndex) ?? cells.count
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v":
            collecting = true
        case "is":
            inInline = true
        case "rPh":
            inPhonetic = true
        case "t" where inInline && !inPhonetic:
            collecting = true
        default:
            break
        }
    }

    override func end(_ name: Substring) {
        switch name {
        case "v", "t":
            collecting = false
        case "is":
            inInline = false
        case "rPh":
            inPhonetic = false
        case "c":
            let cell = makeCell()
            if column >= cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count + 1)) }
            cells[column] = cell
        case "row":
            while cells.last == .empty { cells.removeLast() }
            rows.append(XLSXRow(number: rowNumber, cells: cells))
        default:
            break
        }
    }

    override func text(_ string: String) { if collecting { value += string } }

    func makeCell() -> XLSXCell {
        switch type {
        case "s":
            guard let index = Int(value), sharedStrings.indices.contains(index) else { return .empty }
            return sharedStrings[index].isEmpty ? .empty : .text(sharedStrings[index])
        case "inlineStr", "str":
            return value.isEmpty ? .empty : .text(value)
        case "b":
            return .boolean(value == "1" || value.lowercased() == "true")
        case "e":
            return .error(value)
        case "d":
            return ExcelDate(iso: value).map(XLSXCell.date) ?? (value.isEmpty ? .empty : .text(value))
        default:
            guard !value.isEmpty else { return .empty }
            let format = formats.indices.contains(style) ? formats[style] : .general
            switch format {
            case .date:
                if let serial = Double(value), let date = ExcelDate(serial: serial, date1904: date1904) { return .date(date) }
            case .zeroPadded(let width):
                if let number = Int(value), number >= 0 {
                    let digits = String(number)
                    return .text(String(repeating: "0", count: max(0, width - digits.count)) + digits)
                }
            case .general:
                break
            }
            return XLSXCell.number(fromStored: value).map(XLSXCell.number) ?? .text(value)
        }
    }

    /// `A1` → 0, `AB12` → 27.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0, letters = 0
        for byte in reference.utf8 {
            let upper = byte & ~0x20
            guard upper >= 65 && upper <= 90 else { break }
            index = index * 26 + Int(upper - 64)
            letters += 1
        }
        return letters > 0 ? index - 1 : nil
    }
}
