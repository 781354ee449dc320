import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Runs Foundation's SAX parser over one part of the archive with element names stripped of
/// their namespace prefix (some producers write `<x:c>`).
class XLSXPartParser: NSObject, XMLParserDelegate {
    /// Set by a subclass to stop with its own reason.
    var failure: String?

    func parse(_ data: Data, part: String) throws(XLSXError) {
        // `XMLParser(data:)` on Linux fails at the end of parts over about 10 MB; the stream
        // initializer parses the same bytes without that limit.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.delegate = self
        parser.shouldProcessNamespaces = false
        // On Linux a truncated document parses "successfully" and only sets `parserError`.
        let succeeded = parser.parse()
        guard succeeded && parser.parserError == nil else {
            let code = (parser.parserError as NSError?)?.code
            let reason = code == 5 ? "XML tronqué" : "XML invalide à la ligne \(parser.lineNumber)"
            throw .malformed(part: part, reason: failure ?? reason)
        }
    }

    func start(_ name: Substring, _ attributes: [String: String]) {}
    func end(_ name: Substring) {}
    func text(_ string: String) {}

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String]) {
        start(Self.local(elementName), attributes)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        end(Self.local(elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text(string) }

    static func local(_ name: String) -> Substring {
        guard let colon = name.lastIndex(of: ":") else { return name[...] }
        return name[name.index(after: colon)...]
    }

    /// An attribute by local name (`r:id`, `id`).
    static func attribute(_ attributes: [String: String], _ name: String) -> String? {
        if let value = attributes[name] { return value }
        return attributes.first { local($0.key) == name }?.value
    }
}

/// `xl/styles.xml`: the number format of each cell style (`cellXfs`).
final class StylesParser: XLSXPartParser {
    var formats: [XLSXNumberFormat] = []
    private var custom: [Int: XLSXNumberFormat] = [:]
    private var inCellXfs = false

    override func start(_ name: Substring, _ attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] {
                custom[id] = XLSXNumberFormat.custom(code)
            }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs:
            let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
            formats.append(custom[id] ?? XLSXNumberFormat.builtIn(id))
        default: break
        }
    }

    override func end(_ name: Substring) { if name == "cellXfs" { inCellXfs = false } }
}

/// `xl/workbook.xml`: sheet names with their relationship ids, and the date system.
final class WorkbookParser: XLSXPartParser {
    var sheets: [(name: String, relationship: String)] = []
    var date1904 = false

    override func start(_ name: Substring, _ attributes: [String: String]) {
        if name == "sheet", let sheetName = attributes["name"], let id = Self.attribute(attributes, "id") {
            sheets.append((sheetName, id))
        } else if name == "workbookPr", let flag = attributes["date1904"] {
            date1904 = flag == "1" || flag.lowercased() == "true"
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part path inside the archive.
final class RelationshipsParser: XLSXPartParser {
    var targets: [String: String] = [:]
    var sharedStrings: String?
    var styles: String?

    override func start(_ name: Substring, _ attributes: [String: String]) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        targets[id] = path
        let type = attributes["Type"] ?? ""
        if type.hasSuffix("/sharedStrings") { sharedStrings = path }
        if type.hasSuffix("/styles") { styles = path }
    }
}
