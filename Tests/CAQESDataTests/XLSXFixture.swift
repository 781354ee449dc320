import Foundation

/// The XML parts of a small workbook written the way Excel writes them (shared strings with rich
/// text and phonetic runs, styles with built-in and custom formats, sparse cells, a title above
/// the table, a `x:`-prefixed second sheet, relationships with absolute and relative targets).
enum XLSXFixture {
    static let main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    static let rel = "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    static func workbook(date1904: Bool = false) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook \(main) \(rel)><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\
        <sheet name="Données" sheetId="1" r:id="rId1"/><sheet name="Notice" sheetId="2" r:id="rId2"/></sheets></workbook>
        """
    }

    static let relationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/notice.xml"/>\
        <Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
        </Relationships>
        """

    static let sharedStrings = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst \(main) count="8" uniqueCount="8"><si><t>Tableau 1 : activité 2024</t></si><si><t>FINESS</t></si>\
        <si><t>Raison sociale</t></si><si><t>Date de signature</t></si><si><t>Taux</t></si>\
        <si><r><rPr><b/></rPr><t>CH </t></r><r><t xml:space="preserve">DE FLEYRIAT</t></r></si>\
        <si><t>Catégorie</t><rPh sb="0" eb="1"><t>カテゴリ</t></rPh></si><si><t>Signé ?</t></si></sst>
        """

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet \(main)><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>\
        <numFmt numFmtId="165" formatCode="000000000"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/>\
        <xf numFmtId="14"/><xf numFmtId="10"/></cellXfs></styleSheet>
        """

    /// Row 1: a title; row 3: the header; rows 4–5: data with gaps; row 6: empty; row 7: data.
    static let sheet = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet \(main) \(rel)><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c></row>\
        <row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v>6</v></c>\
        <c r="D3" t="s"><v>3</v></c><c r="E3" t="s"><v>4</v></c><c r="F3" t="s"><v>7</v></c></row>\
        <row r="4"><c r="A4" s="2"><v>10000024</v></c><c r="B4" t="s"><v>5</v></c><c r="C4"><v>355</v></c>\
        <c r="D4" s="1"><v>45352</v></c><c r="E4" s="4"><v>0.30000000000000004</v></c><c r="F4" t="b"><v>1</v></c>\
        <c r="H4" t="inlineStr"><is><t>note hors tableau</t></is></c></row>\
        <row r="5"><c r="A5" t="str"><f>"2A"&amp;"0000"</f><v>2A0000</v></c><c r="B5" t="inlineStr"><is><t>L&apos;HÔPITAL &amp; Cie</t></is></c>\
        <c r="D5" s="3"><v>45292.5</v></c><c r="E5" t="e"><v>#N/A</v></c></row>\
        <row r="6"><c r="A6" s="2"/></row>\
        <row r="7"><c r="C7"><v>-1.5</v></c></row>\
        </sheetData></worksheet>
        """

    static let notice = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>\
        <x:row><x:c t="inlineStr"><x:is><x:t>Source</x:t></x:is></x:c></x:row>\
        <x:row><x:c t="inlineStr"><x:is><x:t>DREES</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>
        """

    static func parts(date1904: Bool = false) -> [String: String] {
        [
            "[Content_Types].xml": "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
            "xl/workbook.xml": workbook(date1904: date1904),
            "xl/_rels/workbook.xml.rels": relationships,
            "xl/sharedStrings.xml": sharedStrings,
            "xl/styles.xml": styles,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/worksheets/notice.xml": notice,
        ]
    }
}
