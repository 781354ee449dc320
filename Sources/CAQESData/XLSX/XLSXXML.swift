import Foundation

/// `xl/styles.xml`: the number format of each cell style (`cellXfs`).
struct StylesParser: XMLHandler {
    var formats: [XLSXNumberFormat] = []
    private var custom: [Int: XLSXNumberFormat] = [:]
    private var inCellXfs = false

    mutating func parse(_ data: Data, part: String) throws(XLSXError) {
        try XLSXParts.scan(data, part: part, into: &self)
    }

    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError) {
        if name == "numFmt" {
            if let id = attributes["numFmtId"]?.int, let code = attributes["formatCode"]?.string {
                custom[id] = XLSXNumberFormat.custom(code)
            }
        } else if name == "cellXfs" {
            inCellXfs = true
        } else if name == "xf" && inCellXfs {
            let id = attributes["numFmtId"]?.int ?? 0
            formats.append(custom[id] ?? XLSXNumberFormat.builtIn(id))
        }
    }

    mutating func end(_ name: XMLName) { if name == "cellXfs" { inCellXfs = false } }
    mutating func text(_ text: XMLText) {}
}

/// `xl/workbook.xml`: sheet names with their relationship ids, and the date system.
struct WorkbookParser: XMLHandler {
    var sheets: [(name: String, relationship: String)] = []
    var date1904 = false

    mutating func parse(_ data: Data, part: String) throws(XLSXError) {
        try XLSXParts.scan(data, part: part, into: &self)
    }

    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError) {
        if name == "sheet", let sheetName = attributes["name"]?.string, let id = attributes["id"]?.string {
            sheets.append((sheetName, id))
        } else if name == "workbookPr", let flag = attributes["date1904"]?.string {
            date1904 = flag == "1" || flag.lowercased() == "true"
        }
    }

    mutating func end(_ name: XMLName) {}
    mutating func text(_ text: XMLText) {}
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part path inside the archive.
struct RelationshipsParser: XMLHandler {
    var targets: [String: String] = [:]
    var sharedStrings: String?
    var styles: String?

    mutating func parse(_ data: Data, part: String) throws(XLSXError) {
        try XLSXParts.scan(data, part: part, into: &self)
    }

    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError) {
        guard name == "Relationship", let id = attributes["Id"]?.string, let target = attributes["Target"]?.string else { return }
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        targets[id] = path
        let type = attributes["Type"]?.string ?? ""
        if type.hasSuffix("/sharedStrings") { sharedStrings = path }
        if type.hasSuffix("/styles") { styles = path }
    }

    mutating func end(_ name: XMLName) {}
    mutating func text(_ text: XMLText) {}
}
