import CAQESCore
import Foundation

/// Reads the FINESS establishment extract (one row per ET, `;`, columns `nofinesset`, `nofinessej`,
/// `rs`, `categetab`… as published by DREES / ANS and flattened by data.gouv.fr).
public enum FINESSExtract {
    static let required = ["nofinesset", "nofinessej", "rs"]
    static let optional = ["categetab", "libcategetab", "categagretab", "libcategagretab", "adresse", "lieuditbp",
                           "code_postal", "commune_libelle", "siret", "dateouv", "datemaj", "codesph"]

    /// Validates every row; collects every problem rather than stopping at the first.
    /// - Parameters:
    ///   - acceptBadKeys: keep rows whose FINESS key is wrong, flagged (D15); otherwise they are errors.
    ///   - limits: how many problems are listed (the others are counted).
    ///   - progress: called every few thousand rows with (bytes read, total bytes).
    public static func parse(
        _ reader: CSVReader,
        acceptBadKeys: Bool = false,
        limits: ReadLimits = .standard,
        progress: (Int, Int?) -> Void = { _, _ in }
    ) throws(CSVError) -> ParseOutcome<SiteRecord> {
        let req = try reader.requireColumns(required)
        let opt = optional.map { reader.columnIndex($0) }
        var records: [SiteRecord] = []
        var problems = ProblemList(limit: limits.maximumListedProblems)
        var seen: [String: Int] = [:]
        var rows = 0
        while try reader.advance() {
            let row = reader.current
            rows += 1
            if rows % 5_000 == 0 { progress(reader.bytesRead, reader.totalBytes) }
            func text(_ index: Int?) -> String? {
                guard let index else { return nil }
                let value = row.trimmed(index)
                return value.isEmpty ? nil : value
            }
            var rowProblems: [RowProblem] = []
            var keyValid = true
            func finess(_ column: Int, _ name: String) -> FINESS? {
                let raw = row.trimmed(column)
                do {
                    return try FINESS(raw)
                } catch let error {
                    if case .badKey = error, acceptBadKeys, let unchecked = try? FINESS(uncheckedKey: raw) {
                        keyValid = false
                        return unchecked
                    }
                    rowProblems.append(RowProblem(line: row.line, column: name, value: raw, reason: Self.reason(error)))
                    return nil
                }
            }
            let et = finess(req[0], "nofinesset")
            let ej = finess(req[1], "nofinessej")
            let name = Self.undoubleQuotes(row.trimmed(req[2]))
            if name.isEmpty {
                rowProblems.append(RowProblem(line: row.line, column: "rs", value: "", reason: "la raison sociale est obligatoire"))
            }
            if let et, let first = seen[et.value] {
                rowProblems.append(RowProblem(line: row.line, column: "nofinesset", value: et.value,
                                              reason: "numéro FINESS en double (déjà présent ligne \(first))"))
            }
            if let opened = text(opt[9]), !isISODate(opened) {
                rowProblems.append(RowProblem(line: row.line, column: "dateouv", value: opened,
                                              reason: "date invalide (format attendu : AAAA-MM-JJ)"))
            }
            guard rowProblems.isEmpty, let et, let ej else {
                problems.append(contentsOf: rowProblems)
                continue
            }
            seen[et.value] = row.line
            let street = [text(opt[4]), text(opt[5])].compactMap { $0 }.joined(separator: ", ")
            records.append(SiteRecord(
                finess: et, legalEntity: ej, name: name,
                categoryCode: text(opt[0]), categoryLabel: text(opt[1]),
                aggregateCode: text(opt[2]), aggregateLabel: text(opt[3]),
                address: street.isEmpty ? nil : street, postalCode: text(opt[6]), city: text(opt[7]),
                siret: text(opt[8]), openedOn: text(opt[9]), updatedOn: text(opt[10]),
                publicServiceCode: text(opt[11]),
                keyValid: keyValid, line: row.line))
        }
        progress(reader.bytesRead, reader.totalBytes)
        return ParseOutcome(records: records, problems: problems, rowCount: rows)
    }

    /// The data.gouv.fr flattening of the extract quoted some names twice: after CSV decoding they
    /// still read `"CENTRE ""JB PUSSIN"""`. Undo that second level so users see `CENTRE "JB PUSSIN"`.
    static func undoubleQuotes(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    static func reason(_ error: FINESSError) -> String {
        switch error {
        case .badFormat: "numéro FINESS invalide : 9 caractères attendus (chiffres, ou 2A/2B pour la Corse)"
        case .badKey: "numéro FINESS invalide : la clé de contrôle (Luhn) est fausse"
        }
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return false }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    /// What FINESS says of each legal entity's status, by EJ FINESS, from the `codesph` of its
    /// sites in `records` (`LegalStatus.fromFINESSPublicService`); EJs it says nothing of are absent.
    public static func legalEntityStatuses(_ records: [SiteRecord]) -> [String: LegalStatus] {
        var codes: [String: [String?]] = [:]
        for record in records { codes[record.legalEntity.value, default: []].append(record.publicServiceCode) }
        return codes.compactMapValues { LegalStatus.fromFINESSPublicService(codes: $0) }
    }

    /// `finess_et_20210108.csv` → `08/01/2021`: the extraction date when the file name carries it.
    public static func extractionDate(fromFileName name: String) -> String? {
        let digits = name.split(whereSeparator: { !$0.isNumber }).first { $0.count == 8 }
        guard let digits, let date = Optional(String(digits)), isISODate("\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))")
        else { return nil }
        return "\(date.suffix(2))/\(date.dropFirst(4).prefix(2))/\(date.prefix(4))"
    }
}
