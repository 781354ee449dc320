import CAQESCore

/// Reads legal statuses from either real source: the status list (`FINESS;…;Statut Juridique`,
/// "Public" / "Privé non lucratif" / "Privé lucratif") or the SAE identification file
/// (`fi`, `fi_ej`, `stjr` = 1 public, 2 private for-profit, 3 private non-profit; Latin-1).
public enum StatusList {
    public enum Format: String, Sendable { case statusList = "liste des statuts", saeIdentification = "SAE, bordereau ID" }

    public static func format(of reader: CSVReader) -> Format? {
        if reader.columnIndex("fi") != nil && reader.columnIndex("stjr") != nil { return .saeIdentification }
        if reader.columnIndex("FINESS") != nil && reader.columnIndex("Statut Juridique") != nil { return .statusList }
        return nil
    }

    /// - Parameter limits: how many problems are listed (the others are counted).
    public static func parse(_ reader: CSVReader, limits: ReadLimits = .standard) throws(CSVError) -> ParseOutcome<StatusRecord> {
        guard let format = format(of: reader) else {
            throw .missingColumns(["FINESS et Statut Juridique (liste des statuts), ou fi et stjr (SAE)"], available: reader.header)
        }
        let columns: [Int]
        switch format {
        case .statusList: columns = try reader.requireColumns(["FINESS", "Statut Juridique"])
        case .saeIdentification: columns = try reader.requireColumns(["fi", "stjr", "fi_ej"])
        }
        let names = format == .statusList ? ["FINESS", "Statut Juridique"] : ["fi", "stjr", "fi_ej"]
        var records: [StatusRecord] = []
        var problems = ProblemList(limit: limits.maximumListedProblems)
        var seen: [String: Int] = [:]
        var rows = 0
        while try reader.advance() {
            let row = reader.current
            rows += 1
            var rowProblems: [RowProblem] = []
            let rawFINESS = row.trimmed(columns[0])
            var finess: FINESS?
            do { finess = try FINESS(rawFINESS) } catch {
                rowProblems.append(RowProblem(line: row.line, column: names[0], value: rawFINESS, reason: FINESSExtract.reason(error)))
            }
            let rawStatus = row.trimmed(columns[1])
            let status = LegalStatus(sourceText: rawStatus)
            if status == nil {
                let expected = format == .statusList ? "Public, Privé non lucratif ou Privé lucratif" : "1, 2 ou 3"
                rowProblems.append(RowProblem(line: row.line, column: names[1], value: rawStatus,
                                              reason: "statut juridique inconnu (attendu : \(expected))"))
            }
            var legalEntity: FINESS?
            if columns.count > 2 {
                let rawEJ = row.trimmed(columns[2])
                if !rawEJ.isEmpty {
                    do { legalEntity = try FINESS(rawEJ) } catch {
                        rowProblems.append(RowProblem(line: row.line, column: names[2], value: rawEJ, reason: FINESSExtract.reason(error)))
                    }
                }
            }
            if let finess, let first = seen[finess.value] {
                rowProblems.append(RowProblem(line: row.line, column: names[0], value: finess.value,
                                              reason: "numéro FINESS en double (déjà présent ligne \(first))"))
            }
            guard rowProblems.isEmpty, let finess, let status else { problems.append(contentsOf: rowProblems); continue }
            seen[finess.value] = row.line
            records.append(StatusRecord(finess: finess, legalEntity: legalEntity, status: status, line: row.line))
        }
        return ParseOutcome(records: records, problems: problems, rowCount: rows)
    }
}
