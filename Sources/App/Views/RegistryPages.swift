import CAQESCore
import Foundation

/// One row of the establishment list or CSV, built from a site.
struct EstablishmentRow: Encodable, Sendable {
    let finess: String
    let legalEntity: String
    let name: String
    let category: String
    let aggregateCategory: String
    let status: String
    let holder: String
    let holderLevel: String
    let department: String
    let region: String
    let address: String
    let postalCode: String
    let city: String
    let source: String
    let sourceDate: String
    let href: String
    let keyValid: Bool

    init(_ site: SiteRow) {
        finess = site.finess
        legalEntity = site.legal_entity_finess
        name = site.name
        category = [site.category_code, site.category_label].compactMap { $0 }.joined(separator: " – ")
        aggregateCategory = site.aggregate_label ?? ""
        status = Self.statusLabel(site.legal_status)
        holder = site.holder_finess
        holderLevel = site.holder_finess == site.legal_entity_finess && site.legal_entity_finess != site.finess
            ? "Entité juridique (EJ)" : "Établissement géographique (ET)"
        department = site.department_code
        region = site.region_code ?? ""
        address = site.address ?? ""
        postalCode = site.postal_code ?? ""
        city = site.city ?? ""
        source = site.source
        sourceDate = site.source_date
        href = SiteURL.establishment(site.finess).path
        keyValid = site.key_valid
    }

    /// The legal status's French label, « Inconnu » only when no source knows it.
    static func statusLabel(_ legalStatus: String?) -> String {
        legalStatus.flatMap(LegalStatus.init(rawValue:))?.label ?? "Inconnu"
    }
}

/// One line of the list page, written once here as escaped HTML: the list is the busiest page
/// (bench/README.md), and LeafKit resolves every `#(row.x)` through dictionaries, eight times per
/// row. Every value goes through `HTMLText.escape`; the template prints the row with `#unsafeHTML`.
struct EstablishmentListRow: Encodable, Sendable {
    let html: String

    init(_ site: SiteListRow) {
        let e = HTMLText.escape
        html = "<tr><td class=\"caqes-nowrap\"><a href=\"\(e(SiteURL.establishment(site.finess).path))\">\(e(site.finess))</a></td>"
            + "<td>\(e(site.name))</td><td>\(e(site.aggregate_label ?? ""))</td><td>\(e(EstablishmentRow.statusLabel(site.legal_status)))</td>"
            + "<td class=\"caqes-nowrap\">\(e(site.holder_finess))</td><td>\(e(site.department_code))</td><td>\(e(site.city ?? ""))</td></tr>"
    }
}

/// Escapes text for HTML content and quoted attributes (& < > " ').
enum HTMLText {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                                          || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

struct SelectOption: Encodable, Sendable {
    let value: String
    let label: String
    let selected: Bool

    /// `<option>` elements, escaped, for the busiest page (the registry list): one string instead
    /// of a Leaf loop with a condition per option.
    static func html(_ options: [SelectOption]) -> String {
        options.map { o in
            "<option value=\"\(HTMLText.escape(o.value))\"\(o.selected ? " selected" : "")>\(HTMLText.escape(o.label))</option>"
        }.joined()
    }
}

struct PageLink: Encodable, Sendable {
    let label: String
    let href: String?
    let current: Bool
}

/// A column head of the list: a link that sorts by it (again: the other way).
struct ColumnHead: Encodable, Sendable {
    let label: String
    let href: String?
    let arrow: String
    let ariaSort: String
    let help: String
}

struct EstablishmentListPage: Encodable {
    let layout: LayoutContext
    let listHref: String
    let columns: [ColumnHead]
    /// The filters' `<option>` lists, escaped (`SelectOption.html`).
    let pageSizes: String
    let sort: String
    let rows: [EstablishmentListRow]
    let total: String
    let totalCount: Int
    let text: String
    let holder: String
    let regions: String
    let departments: String
    let statuses: String
    let categories: String
    let pages: [PageLink]
    let csvHref: String
    let summary: String
}

/// A measure × year table for one FINESS, each value linked to the import row it came from.
struct MeasureTable: Encodable {
    struct Cell: Encodable { let text: String; let href: String?; let title: String }
    struct Row: Encodable { let measure: String; let cells: [Cell] }
    let finess: String
    let title: String
    let years: [Int]
    let rows: [Row]

    init(finess: String, title: String, values: [MeasureRepository.Row]) {
        self.finess = finess
        self.title = title
        let years = Array(Set(values.map(\.year))).sorted()
        self.years = years
        var byMeasure: [String: [Int: MeasureRepository.Row]] = [:]
        for value in values { byMeasure[value.measure, default: [:]][value.year] = value }
        rows = byMeasure.keys.sorted().map { measure in
            Row(measure: measure, cells: years.map { year in
                guard let value = byMeasure[measure]?[year] else { return Cell(text: "", href: nil, title: "") }
                let text = value.kind == "masked" ? "masqué" : MeasureDisplay.text(value.value)
                let line = value.line > 0 ? "ligne \(value.line)" : "somme de lignes"
                return Cell(text: text, href: SiteURL.importRun(value.import_id).path + (value.line > 0 ? "?ligne=\(value.line)" : ""),
                            title: "Source : \(value.source), \(line)" + (value.mask_reason.map { " — \($0)" } ?? ""))
            })
        }
    }
}

struct EstablishmentDetailPage: Encodable {
    let layout: LayoutContext
    let measureTables: [MeasureTable]
    let canOpenImports: Bool
    let site: EstablishmentRow
    let legalEntityName: String
    let siblings: [EstablishmentRow]
    let statusSource: String
    let openedOn: String
    let siret: String
    let regionName: String
    let departmentName: String
}

enum Pagination {
    /// Links for a page list: first, previous, a window around the current page, next, last.
    static func links(page requested: Int, pageCount: Int, href: (Int) -> String) -> [PageLink] {
        guard pageCount > 1 else { return [] }
        let page = min(max(requested, 1), pageCount)
        var links: [PageLink] = []
        links.append(PageLink(label: "Précédente", href: page > 1 ? href(page - 1) : nil, current: false))
        let window = Set([1, pageCount] + Array(max(1, page - 2)...min(pageCount, page + 2)))
        var previous = 0
        for number in window.sorted() {
            if number > previous + 1 { links.append(PageLink(label: "…", href: nil, current: false)) }
            links.append(PageLink(label: String(number), href: href(number), current: number == page))
            previous = number
        }
        links.append(PageLink(label: "Suivante", href: page < pageCount ? href(page + 1) : nil, current: false))
        return links
    }
}
