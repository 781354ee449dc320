import CAQESCore
import CAQESData
import CAQESDocuments
import Foundation

/// The annual regional evaluation report of a campaign (DOMAIN B.5.2: « rapport annuel
/// d'évaluation »): per holder and indicator, the results and amounts, with a chart of the amounts
/// per holder and of the achievement of each regional target; as a PDF and as an XLSX workbook.
public struct AnnualReport: Sendable {
    public let region: String
    public let year: Int
    public let envelope: Decimal
    /// How the envelope is shared, in French.
    public let sharing: String
    /// The results version the report shows.
    public let version: Int
    public let lines: [CampaignResultLine]

    public init(region: String, year: Int, envelope: Decimal, sharing: String, version: Int, lines: [CampaignResultLine]) {
        self.region = region
        self.year = year
        self.envelope = envelope
        self.sharing = sharing
        self.version = version
        self.lines = lines
    }

    /// Per holder: national incentive, FIR share, total, in the lines' order.
    public var totals: [(holder: String, name: String, national: Decimal, fir: Decimal)] {
        var order: [String] = [], byHolder: [String: (String, Decimal, Decimal)] = [:]
        for line in lines {
            if byHolder[line.holder] == nil { order.append(line.holder); byHolder[line.holder] = (line.holderName, 0, 0) }
            if line.kind == "national" { byHolder[line.holder]?.1 += line.amount }
            if line.kind == "fir" { byHolder[line.holder]?.2 += line.amount }
        }
        return order.compactMap { holder in byHolder[holder].map { (holder, $0.0, $0.1, $0.2) } }
    }

    /// Per regional indicator (or group): holders that met it, out of those assessed.
    public var achievement: [(indicator: String, achieved: Int, assessed: Int)] {
        var order: [String] = [], counts: [String: (Int, Int)] = [:]
        for line in lines where (line.kind == "regional" || line.kind == "groupe") && (line.achieved == "oui" || line.achieved == "non") {
            if counts[line.indicator] == nil { order.append(line.indicator); counts[line.indicator] = (0, 0) }
            counts[line.indicator]?.1 += 1
            if line.achieved == "oui" { counts[line.indicator]?.0 += 1 }
        }
        return order.map { ($0, counts[$0]?.0 ?? 0, counts[$0]?.1 ?? 0) }
    }

    static func kind(_ code: String) -> String {
        switch code {
        case "national": "intéressement national"
        case "informatif": "informatif (jamais payé)"
        case "regional": "cible régionale"
        case "groupe": "cible régionale (groupe)"
        case "fir": "part FIR"
        case "grille": "grille 2018 (score global)"
        case "sanction": "sanction (D13)"
        default: code
        }
    }

    /// The PDF content (the caller seals it).
    public func document(siteURL: String, today: LocalDate) -> DocumentContent {
        let totals = self.totals
        let national = totals.reduce(Decimal(0)) { $0 + $1.national }
        let fir = totals.reduce(Decimal(0)) { $0 + $1.fir }
        var blocks: [Block] = [
            .heading("Rapport annuel d'évaluation CAQES \(year) — région \(region)", level: 1),
            .keyValues([
                KeyValue("Année évaluée", "\(year) (campagne \(year + 1))"),
                KeyValue("Titulaires évalués", "\(totals.count)"),
                KeyValue("Intéressement national", FrenchNumberFormat.euros(national)),
                KeyValue("Enveloppe FIR", "\(FrenchNumberFormat.euros(envelope)), partagée \(sharing) ; distribuée : \(FrenchNumberFormat.euros(fir))"),
                KeyValue("Résultats", "version \(version)"),
            ]),
            .text("Les montants sont calculés par indicateur et arrondis au centime une seule fois (D7) ; les indicateurs informatifs sont présentés et ne sont jamais payés (D8) ; l'enveloppe FIR est partagée selon D12 sans jamais la dépasser."),
        ]
        let largest = totals.map { $0.national + $0.fir }.max() ?? 0
        if !totals.isEmpty {
            // A chart is read at a glance: past 40 holders it shows the 40 largest amounts.
            let shown = totals.count > 40 ? Array(totals.sorted { ($0.national + $0.fir) > ($1.national + $1.fir) }.prefix(40)) : totals
            let title = totals.count > 40 ? "Les 40 montants les plus élevés (intéressement national et part FIR), sur \(totals.count) titulaires"
                : "Montant par titulaire (intéressement national et part FIR)"
            blocks.append(.barChart(BarChart(title: title, bars: shown.map { item in
                let total = item.national + item.fir
                return BarChart.Bar(label: item.name, fraction: largest > 0 ? NSDecimalNumber(decimal: total / largest).doubleValue : 0,
                                    valueText: FrenchNumberFormat.euros(total))
            })))
        }
        let achievement = self.achievement
        if !achievement.isEmpty {
            blocks.append(.barChart(BarChart(title: "Atteinte des cibles régionales (part des titulaires évalués)", bars: achievement.map {
                BarChart.Bar(label: $0.indicator, fraction: $0.assessed > 0 ? Double($0.achieved) / Double($0.assessed) : 0,
                             valueText: "\($0.achieved) sur \($0.assessed)")
            })))
        }
        blocks.append(.heading("Synthèse par titulaire", level: 2))
        blocks.append(.table(Table(
            columns: [TableColumn("Titulaire", width: 0.46), TableColumn("National", width: 0.18, alignment: .right),
                      TableColumn("FIR", width: 0.18, alignment: .right), TableColumn("Total", width: 0.18, alignment: .right)],
            rows: totals.map { ["\($0.name) (\($0.holder))", FrenchNumberFormat.euros($0.national), FrenchNumberFormat.euros($0.fir),
                                FrenchNumberFormat.euros($0.national + $0.fir)] }
                + [TableRow(["Total", FrenchNumberFormat.euros(national), FrenchNumberFormat.euros(fir), FrenchNumberFormat.euros(national + fir)], bold: true)])))
        blocks.append(.heading("Résultats par titulaire et par indicateur", level: 2))
        blocks.append(.table(Table(
            columns: [TableColumn("Titulaire", width: 0.2), TableColumn("Indicateur", width: 0.11), TableColumn("Nature", width: 0.15),
                      TableColumn("Valeur", width: 0.11, alignment: .right), TableColumn("Économie", width: 0.13, alignment: .right),
                      TableColumn("Taux", width: 0.07, alignment: .right), TableColumn("Atteint", width: 0.09),
                      TableColumn("Montant", width: 0.14, alignment: .right)],
            rows: lines.map { line in
                [line.holderName, line.indicator, Self.kind(line.kind), line.value, line.savings.map(FrenchNumberFormat.euros) ?? "",
                 line.rate.map(FrenchNumberFormat.percent) ?? "", line.achieved, FrenchNumberFormat.euros(line.amount)]
            })))
        return DocumentContent(title: "Rapport annuel d'évaluation CAQES \(year) — région \(region)",
                               reference: "CAQES-RAPPORT \(region)-\(year) v\(version)", blocks: blocks,
                               footer: FooterInfo(verificationLine: "Document scellé par la plateforme CAQES (\(siteURL)), résultats version \(version), émis le \(today)."))
    }

    /// The workbook: « Synthèse » per holder, « Résultats » per holder and indicator.
    public func workbook() -> XLSXWriter {
        var writer = XLSXWriter()
        writer.title = "Rapport annuel d'évaluation CAQES \(year) — région \(region)"
        writer.addSheet(name: "Synthèse", columns: [
            .init(title: "FINESS"), .init(title: "Titulaire", width: 40), .init(title: "Intéressement national"), .init(title: "Part FIR"), .init(title: "Total"),
        ], rows: totals.map { [.text($0.holder), .text($0.name), .money($0.national), .money($0.fir), .money($0.national + $0.fir)] })
        writer.addSheet(name: "Résultats", columns: [
            .init(title: "FINESS"), .init(title: "Titulaire", width: 36), .init(title: "Indicateur"), .init(title: "Libellé", width: 50),
            .init(title: "Nature"), .init(title: "Valeur"), .init(title: "Cible"), .init(title: "Économie"), .init(title: "Taux"),
            .init(title: "Montant"), .init(title: "Atteint"), .init(title: "Explication", width: 80),
        ], rows: lines.map { line in
            [.text(line.holder), .text(line.holderName), .text(line.indicator), .text(line.label), .text(Self.kind(line.kind)),
             .text(line.value), .text(line.target), line.savings.map { .money($0) } ?? .empty, line.rate.map { .percent($0) } ?? .empty,
             .money(line.amount), .text(line.achieved), .text(line.explanation)]
        })
        return writer
    }
}

/// One line of the payment file: a holder's paid indicator in a final decision (FIR / AM).
public struct PaymentLine: Sendable, Equatable {
    public var holder: String
    public var holderName: String
    public var indicator: String
    public var label: String
    /// Decimal with a point and two decimals (D29).
    public var amount: String
    public var decisionID: UUID
    public var decisionDate: String
    public var sha256: String
    /// `a_ordonnancer`, `ordonnance`, `paye`.
    public var status: String
    /// After a corrective decision: the date (ISO) of the decision whose ordered or paid amount
    /// this line corrects; `amount` is then the difference (negative: to be recovered).
    public var regularises: String?

    public init(holder: String, holderName: String, indicator: String, label: String, amount: String, decisionID: UUID,
                decisionDate: String, sha256: String, status: String, regularises: String? = nil) {
        self.holder = holder
        self.holderName = holderName
        self.indicator = indicator
        self.label = label
        self.amount = amount
        self.decisionID = decisionID
        self.decisionDate = decisionDate
        self.sha256 = sha256
        self.status = status
        self.regularises = regularises
    }
}

/// The payment file for the FIR / AM: CSV rows (`;`, French decimals, written with a BOM by the
/// caller's CSV writer) and the same as an XLSX workbook.
public enum PaymentFile {
    public static let header = ["finess", "titulaire", "indicateur", "libelle", "financement", "montant", "decision", "date_decision", "sha256_decision", "statut"]

    static func funding(_ line: PaymentLine) -> String {
        switch line.indicator {
        case "FIR": "FIR (intéressement régional)"
        case "SANCTION": "recouvrement par l'Assurance Maladie (sanction 2018)"
        default: "FIR (intéressement national)"
        }
    }

    public static func rows(_ lines: [PaymentLine]) -> [[String]] {
        [header] + lines.map {
            [$0.holder, $0.holderName, $0.indicator, $0.label, funding($0), $0.amount.replacingOccurrences(of: ".", with: ","),
             $0.decisionID.uuidString.lowercased(), $0.decisionDate, $0.sha256, $0.status]
        }
    }

    public static func workbook(_ lines: [PaymentLine], title: String) -> XLSXWriter {
        var writer = XLSXWriter()
        writer.title = title
        writer.addSheet(name: "Paiements", columns: header.map { XLSXWriter.Column(title: $0) }, rows: lines.map { line in
            let parts = line.decisionDate.split(separator: "-").compactMap { Int($0) }
            let date: XLSXWriter.Cell = parts.count == 3 ? .date(year: parts[0], month: parts[1], day: parts[2]) : .text(line.decisionDate)
            return [.text(line.holder), .text(line.holderName), .text(line.indicator), .text(line.label), .text(funding(line)),
                    .money(Decimal(string: line.amount, locale: Locale(identifier: "en_US_POSIX")) ?? 0),
                    .text(line.decisionID.uuidString.lowercased()), date, .text(line.sha256), .text(line.status)]
        })
        return writer
    }
}
