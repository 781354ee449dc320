import CAQESCore
import Foundation

/// Adapters for the real files an ARS receives, with the measure codes they feed.
public enum BuiltInAdapter: String, Sendable, CaseIterable {
    /// DREES SAE, bordereau MCO (Latin-1, `;`): surgery stays, full and ambulatory, per ET (D16:
    /// counts are stored, the ambulatory rate is derived from them).
    case saeMCO = "sae"
    /// ATIH Hospi Diag (`,`, decimal comma, `.c` / `.z` masks): the P indicators, as published.
    case hospiDiag = "hospidiag"

    public var label: String {
        switch self {
        case .saeMCO: "SAE, bordereau MCO (DREES)"
        case .hospiDiag: "Hospi Diag (ATIH)"
        }
    }

    /// The measures each adapter stores, with their French labels.
    public var measures: [(code: String, label: String)] {
        switch self {
        case .saeMCO:
            return [
                ("surgery_full_stays", "Séjours de chirurgie en hospitalisation complète (SAE SEJHC_CHI)"),
                ("surgery_ambulatory_stays", "Séjours de chirurgie ambulatoire (SAE SEJHP_CHI)"),
                ("surgery_stays", "Séjours de chirurgie, complète et ambulatoire (SEJHC_CHI + SEJHP_CHI)"),
                ("mco_full_stays", "Séjours MCO en hospitalisation complète (SAE SEJHC_MCO)"),
                ("mco_partial_stays", "Séjours MCO en hospitalisation partielle (SAE SEJHP_MCO)"),
                ("mco_beds", "Lits MCO (SAE LIT_MCO)"),
                ("mco_places", "Places MCO (SAE PLA_MCO)"),
            ]
        case .hospiDiag:
            return (1...16).map { ("hd_p\($0)", "Hospi Diag P\($0)") } + [("hd_p12_bis", "Hospi Diag P12 bis")]
                .map { code, label in
                    switch code {
                    case "hd_p12": (code, "Taux de chirurgie ambulatoire, % (Hospi Diag P12)")
                    case "hd_p13": (code, "Part des gestes marqueurs réalisés en ambulatoire, % (Hospi Diag P13)")
                    default: (code, label)
                    }
                }
        }
    }

    /// The mapping for a file of this kind; `year` is required for Hospi Diag (one year per file).
    public func mapping(year: Int?) -> MeasureMapping {
        switch self {
        case .saeMCO:
            return MeasureMapping(finessColumn: "FI", yearColumn: year == nil ? "AN" : nil, fixedYear: year, columns: [
                .init(column: "SEJHC_CHI", measure: "surgery_full_stays"),
                .init(column: "SEJHP_CHI", measure: "surgery_ambulatory_stays"),
                .init(column: "SEJHC_MCO", measure: "mco_full_stays"),
                .init(column: "SEJHP_MCO", measure: "mco_partial_stays"),
                .init(column: "LIT_MCO", measure: "mco_beds"),
                .init(column: "PLA_MCO", measure: "mco_places"),
            ])
        case .hospiDiag:
            let columns = (1...16).map { MeasureMapping.Column(column: "P\($0)", measure: "hd_p\($0)") }
                + [.init(column: "P12_bis", measure: "hd_p12_bis")]
            return MeasureMapping(finessColumn: "finess", fixedYear: year, columns: columns, allowNegative: true)
        }
    }

    /// Reads a file of this kind; the SAE adapter adds `surgery_stays` = full + ambulatory where both are known.
    /// Duplicates follow D25 as in `WideMeasuresFile`; `limits` bounds the listed problems and notes.
    public func parse(_ reader: CSVReader, year: Int?, limits: ReadLimits = .standard) throws(CSVError) -> ParseOutcome<MeasureRecord> {
        var outcome = try WideMeasuresFile.parse(reader, mapping: mapping(year: year), limits: limits)
        guard self == .saeMCO else { return outcome }
        var parts: [String: (full: Decimal?, ambulatory: Decimal?, line: Int, finess: FINESS, year: Int)] = [:]
        for record in outcome.records {
            guard case .number(let value) = record.value else { continue }
            let key = "\(record.finess.value)|\(record.year)"
            var entry = parts[key] ?? (nil, nil, record.line, record.finess, record.year)
            if record.measure == "surgery_full_stays" { entry.full = value }
            if record.measure == "surgery_ambulatory_stays" { entry.ambulatory = value }
            parts[key] = entry
        }
        for (_, entry) in parts.sorted(by: { $0.key < $1.key }) {
            if let full = entry.full, let ambulatory = entry.ambulatory {
                outcome.records.append(MeasureRecord(finess: entry.finess, measure: "surgery_stays", year: entry.year,
                                                     value: .number(full + ambulatory), line: entry.line))
            }
        }
        return outcome
    }
}
