import CAQESCore
import CAQESData
import Foundation
import Vapor

/// `caqes catalogue check FILE…`: validates catalogue files and lists what they declare.
struct CatalogueCommandGroup: AsyncCommandGroup {
    var help: String { "Catalogues d'indicateurs." }
    var commands: [String: any AnyAsyncCommand] { ["check": CatalogueCheckCommand()] }
}

struct CatalogueCheckCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "fichiers", help: "Fichiers YAML de catalogue, séparés par des virgules (ou un seul).") var files: String
        init() {}
    }

    var help: String { "Valide des fichiers de catalogue, puis liste indicateurs, mesures et formules." }

    func run(using context: CommandContext, signature: Signature) async throws {
        var paths = signature.files.split(separator: ",").map(String.init)
        paths += context.input.arguments
        var loaded: [CatalogueVersion] = []
        var failures: [String] = []
        for path in paths {
            do { loaded.append(try CatalogueStore.load(file: path)) } catch { failures.append(String(describing: error)) }
        }
        guard failures.isEmpty else { throw CommandFailure(failures.joined(separator: "\n")) }
        do { _ = try CatalogueRegistry(loaded) } catch { throw CommandFailure(error.description) }
        let console = context.console
        for catalogue in loaded {
            console.print("\(catalogue.file) : catalogue « \(catalogue.id) » version \(catalogue.version) valide (\(catalogue.label), \(catalogue.scope), \(catalogue.validFrom)–\(catalogue.validTo))")
            console.print("  Mesures (\(catalogue.measures.count)) : " + catalogue.measures.map(\.code).joined(separator: ", "))
            for indicator in catalogue.indicators {
                var line = "  \(indicator.code) — \(indicator.label)"
                if let cap = indicator.cap { line += " (plafond \(Money.percent(cap)))" }
                if indicator.informative { line += " [informatif]" }
                console.print(line)
                if let formula = indicator.value { console.print("      valeur : \(formula.text)") }
                if let rule = indicator.incentive { console.print("      économie : \(rule.savings.text)") }
            }
        }
    }
}

/// Reading the analyst's files: measures (`finess;mesure;annee;valeur`) and an optional registry
/// (`finess;categorie;region`, optionally `;ej;titulaire`), made into contract holders' measures
/// by the one builder the database path also uses (`HolderMeasures`, D16).
enum AnalystInput {
    /// The `--registry` help, shared by the commands that read measures.
    static let registryHelp = "Fichier finess;categorie;region, colonnes ej;titulaire facultatives : catégories et régions ; "
        + "avec ej et titulaire, les valeurs des ET dont le titulaire est l'EJ (public) sont additionnées à l'EJ (D16), "
        + "un titulaire vide désignant l'établissement lui-même ; sans ces colonnes, chaque FINESS est son propre titulaire. "
        + "Sans ce fichier, les établissements n'ont ni catégorie ni région (un catalogue régional n'en évalue aucun)."

    static func measureSet(measuresPath: String, registryPath: String?, catalogue: CatalogueVersion) throws -> MeasureSet {
        let known = Set(catalogue.measures.map(\.code))
        let outcome = try read(measuresPath) { (reader: CSVReader) throws(CSVError) in try LongMeasuresFile.parse(reader, knownMeasures: known) }
        let registry = try registryPath.map(registryEntries) ?? []
        let fileName = (measuresPath as NSString).lastPathComponent
        let values = outcome.records.map { record -> SubjectValue in
            let value: FormulaValue? = switch record.value {
            case .number(let number): .number(number)
            case .grade(let grade): .grade(grade)
            case .masked: nil
            }
            return SubjectValue(subject: record.finess.value, measure: record.measure, year: record.year, value: value,
                                source: "\(fileName), ligne \(record.line)")
        }
        return HolderMeasures.build(values: values, registry: registry, catalogue: catalogue)
    }

    /// The registry file as registry entries. A FINESS named in another line's `ej` column (or in
    /// its own) is that legal entity; any other line is a site, held by its `titulaire`, or by
    /// itself when the column is empty or absent.
    static func registryEntries(_ path: String) throws -> [RegistryEntry] {
        let lines = try read(path, RegistryFile.parse).records
        let links = Dictionary(try read(path, parseHolderLinks).records.map { ($0.finess, $0) }, uniquingKeysWith: { first, _ in first })
        let legalEntities = Set(links.values.compactMap(\.legalEntity))
        return lines.map { line in
            let id = line.finess.value
            if legalEntities.contains(id) { return .legalEntity(id, category: line.category, region: line.region) }
            return .site(id, legalEntity: links[id]?.legalEntity, holder: links[id]?.holder ?? id,
                         category: line.category, region: line.region)
        }
    }

    /// The optional `ej` and `titulaire` columns of a registry file.
    struct HolderLink: Sendable {
        let finess: String
        let legalEntity: String?
        let holder: String?
    }

    /// Reads `ej` and `titulaire`; a bad FINESS in them is a problem naming the line. A bad
    /// `finess` is left to `RegistryFile.parse`, which reports it.
    static func parseHolderLinks(_ reader: CSVReader) throws(CSVError) -> ParseOutcome<HolderLink> {
        let index = try reader.requireColumns(["finess"])
        let legalEntityColumn = reader.columnIndex("ej")
        let holderColumn = reader.columnIndex("titulaire")
        var records: [HolderLink] = []
        var problems: [RowProblem] = []
        var rows = 0
        while try reader.advance() {
            let row = reader.current
            rows += 1
            func finess(_ column: Int?) -> String? {
                guard let column else { return nil }
                let raw = row.trimmed(column)
                guard !raw.isEmpty else { return nil }
                do {
                    return try FINESS(raw).value
                } catch {
                    let reason = switch error {
                    case .badFormat: "numéro FINESS invalide : 9 caractères attendus (chiffres, ou 2A/2B pour la Corse)"
                    case .badKey: "numéro FINESS invalide : la clé de contrôle (Luhn) est fausse"
                    }
                    problems.append(RowProblem(line: row.line, column: reader.header[column], value: raw, reason: reason))
                    return nil
                }
            }
            let legalEntity = finess(legalEntityColumn)
            let holder = finess(holderColumn)
            guard let site = try? FINESS(row.trimmed(index[0])).value else { continue }
            records.append(HolderLink(finess: site, legalEntity: legalEntity, holder: holder))
        }
        return ParseOutcome(records: records, problems: problems, rowCount: rows)
    }

    /// From a file when given, otherwise the current measures stored in the database (with
    /// categories and regions from the registry).
    static func measures(path: String?, registryPath: String?, catalogue: CatalogueVersion, app: Application) async throws -> MeasureSet {
        if let path { return try measureSet(measuresPath: path, registryPath: registryPath, catalogue: catalogue) }
        try await app.autoMigrate()
        return try await MeasureRepository(db: app.db).measureSet(for: catalogue)
    }

    /// Parses a whole file; any bad row refuses it with every problem listed (no partial output).
    static func read<T>(_ path: String, _ parse: (CSVReader) throws(CSVError) -> ParseOutcome<T>) throws -> ParseOutcome<T> {
        let name = (path as NSString).lastPathComponent
        guard FileManager.default.isReadableFile(atPath: path) else { throw CommandFailure("fichier introuvable ou illisible : \(path)") }
        do {
            let outcome = try parse(try CSVReader(path: path))
            guard outcome.problems.isEmpty else {
                let shown = outcome.problems.prefix(50).map { "\(name), \($0.description)" }
                let more = outcome.problems.count > 50 ? ["… et \(outcome.problems.count - 50) autre(s) erreur(s)."] : []
                throw CommandFailure((shown + more).joined(separator: "\n"))
            }
            return outcome
        } catch let error as CSVError {
            throw CommandFailure("\(name) : \(error.description)")
        }
    }

    static func catalogue(_ id: String, app: Application) throws -> CatalogueVersion {
        let registry = try CatalogueStore.registry(directory: app.directory.resourcesDirectory + "Catalogues/")
        guard let catalogue = registry[id] else {
            throw CommandFailure("catalogue inconnu « \(id) » (disponibles : \(registry.all.map(\.id).sorted().joined(separator: ", ")))")
        }
        return catalogue
    }

    /// French CSV on standard output, all at once (nothing is printed if anything failed before).
    static func write(_ rows: [[String]]) {
        let text = rows.map { $0.map(FrenchCSVWriter.escape).joined(separator: ";") }.joined(separator: "\n") + "\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func amount(_ value: Decimal?) -> String {
        guard let value else { return "" }
        var rounded = Money.roundToCent(value)
        var text = Decimal()
        NSDecimalRound(&text, &rounded, 2, .plain)
        let formatter = NumberFormatter()
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.decimalSeparator = ","
        formatter.usesGroupingSeparator = false
        formatter.locale = Locale(identifier: "fr_FR")
        return formatter.string(from: text as NSDecimalNumber) ?? "\(text)"
    }
}

/// `caqes target --catalogue ID --year Y --measures FILE [--registry FILE] [--region R]`.
struct TargetCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "catalogue", help: "Identifiant du catalogue (ex. national-2022).") var catalogue: String?
        @Option(name: "year", help: "Année de référence des données.") var year: Int?
        @Option(name: "measures", help: "Fichier des mesures finess;mesure;annee;valeur (sinon : les mesures enregistrées dans la base).") var measures: String?
        @Option(name: "registry", help: AnalystInput.registryHelp) var registry: String?
        @Option(name: "region", help: "N'afficher que les établissements de cette région.") var region: String?
        @Option(name: "contract-start", help: "Première année du contrat (période de référence EPA ; par défaut la première année du catalogue).") var contractStart: Int?
        init() {}
    }

    var help: String { "Ciblage : une ligne par (finess, indicateur) avec la raison." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.catalogue, let year = signature.year else {
            throw CommandFailure("options obligatoires : --catalogue ID et --year ANNEE (et --measures FICHIER, sinon les mesures de la base)")
        }
        let catalogue = try AnalystInput.catalogue(id, app: context.application)
        let measures = try await AnalystInput.measures(path: signature.measures, registryPath: signature.registry,
                                                       catalogue: catalogue, app: context.application)
        AnalystInput.write(try Self.rows(catalogue: catalogue, year: year, measures: measures, region: signature.region,
                                         contractStart: signature.contractStart))
    }

    /// The output table, header first.
    static func rows(catalogue: CatalogueVersion, year: Int, measures: MeasureSet, region: String?, contractStart: Int?) throws -> [[String]] {
        let run: TargetingRun
        do {
            run = try TargetingEngine.run(catalogue, referenceYear: year, population: catalogue.scope, measures: measures,
                                          contractStartYear: contractStart)
        } catch { throw CommandFailure(error.description) }
        var rows = [["finess", "indicateur", "cible", "raison"]]
        for decision in run.decisions {
            if let region, measures.member(decision.subject)?.region != region { continue }
            let targeted: String
            switch decision.outcome {
            case .targeted: targeted = "oui"
            case .notTargeted: targeted = "non"
            case .notEvaluable: targeted = "non évaluable"
            }
            rows.append([decision.subject, decision.indicatorCode, targeted, Self.reason(decision)])
        }
        return rows
    }

    static func reason(_ decision: TargetingDecision) -> String {
        if case .notEvaluable = decision.outcome { return decision.outcome.description }
        let summary = decision.summary
        let prefix = "\(decision.subject) \(decision.indicatorCode) \(decision.outcome) : "
        return summary.hasPrefix(prefix) ? String(summary.dropFirst(prefix.count)) : summary
    }
}

/// `caqes incentive --catalogue ID --year Y [--measures FILE] [--registry FILE] [--rate INDICATOR=RATE…]`.
struct IncentiveCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "catalogue", help: "Identifiant du catalogue (ex. national-2022).") var catalogue: String?
        @Option(name: "year", help: "Année évaluée N (comparée à N-1).") var year: Int?
        @Option(name: "measures", help: "Fichier des mesures finess;mesure;annee;valeur (sinon : les mesures enregistrées dans la base).") var measures: String?
        @Option(name: "registry", help: AnalystInput.registryHelp) var registry: String?
        @Option(name: "rate", help: "Taux contractuels inférieurs au plafond : N1=25%,N2=0.15 (séparés par des virgules).") var rate: String?
        @Option(name: "contract-start", help: "Première année du contrat (période de référence EPA ; par défaut la première année du catalogue).") var contractStart: Int?
        init() {}
    }

    var help: String { "Intéressement national : une ligne par (finess, indicateur) avec l'explication." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.catalogue, let year = signature.year else {
            throw CommandFailure("options obligatoires : --catalogue ID et --year ANNEE (et --measures FICHIER, sinon les mesures de la base)")
        }
        let catalogue = try AnalystInput.catalogue(id, app: context.application)
        let rates = try Self.parseRates(signature.rate ?? "", catalogue: catalogue)
        let measures = try await AnalystInput.measures(path: signature.measures, registryPath: signature.registry,
                                                       catalogue: catalogue, app: context.application)
        AnalystInput.write(try Self.rows(catalogue: catalogue, year: year, measures: measures, rates: rates,
                                         contractStart: signature.contractStart))
    }

    /// The output table, header first: every paid indicator of the catalogue for every establishment of the file.
    static func rows(catalogue: CatalogueVersion, year: Int, measures: MeasureSet, rates: [String: Decimal], contractStart: Int?) throws -> [[String]] {
        let paid = catalogue.indicators.filter(\.isPaidNationally).map(\.code)
        let contracts = measures.members.map {
            ContractIncentiveTerms(subject: $0.subject, startYear: EvaluationYears.contractStart(contractStart, catalogue: catalogue),
                                   indicators: paid, rates: rates)
        }
        let lines: [IncentiveLine]
        do { lines = try NationalIncentive.run(catalogue, year: year, measures: measures, contracts: contracts) }
        catch { throw CommandFailure(error.description) }
        var rows = [["finess", "indicateur", "economie", "taux", "montant", "explication"]]
        for line in lines {
            let evaluable: Bool
            if case .notEvaluable = line.status { evaluable = false } else { evaluable = true }
            rows.append([line.subject, line.indicatorCode, AnalystInput.amount(line.savings),
                         line.rate.map(Money.percent) ?? "", evaluable ? AnalystInput.amount(line.amount) : "",
                         evaluable ? line.trace : line.status.description])
        }
        return rows
    }

    /// `N1=25%,N2=0.15` → rates; each must name a paid indicator and be ≤ its cap (D3).
    static func parseRates(_ text: String, catalogue: CatalogueVersion) throws -> [String: Decimal] {
        var rates: [String: Decimal] = [:]
        // Items are separated by commas; a piece without "=" is the decimal part of the previous rate (N2=0,15).
        var items: [String] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if !piece.contains("="), !items.isEmpty { items[items.count - 1] += "," + piece } else { items.append(piece) }
        }
        for item in items where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let indicator = catalogue.indicator(parts[0]), indicator.isPaidNationally else {
                throw CommandFailure("--rate « \(item) » : indicateur payé inconnu (attendu INDICATEUR=TAUX, ex. N1=25%)")
            }
            var raw = parts[1].replacingOccurrences(of: ",", with: ".")
            let percent = raw.hasSuffix("%")
            if percent { raw = String(raw.dropLast()).trimmingCharacters(in: .whitespaces) }
            guard var rate = Decimal(stored: raw) else {
                throw CommandFailure("--rate « \(item) » : taux illisible")
            }
            if percent { rate /= 100 }
            if let cap = indicator.cap, rate > cap || rate < 0 {
                throw CommandFailure("--rate « \(item) » : le taux doit être compris entre 0 % et le plafond de \(Money.percent(cap)) (D3)")
            }
            rates[indicator.code] = rate
        }
        return rates
    }
}

/// `caqes evaluate --catalogue ID --year Y [--measures FILE] [--registry FILE]`: whether each
/// holder achieved each indicator that has a target (the listing the evaluation campaign shows).
struct EvaluateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "catalogue", help: "Identifiant du catalogue ayant des cibles (ex. regional-hdf-2022).") var catalogue: String?
        @Option(name: "year", help: "Année évaluée.") var year: Int?
        @Option(name: "measures", help: "Fichier des mesures finess;mesure;annee;valeur (sinon : les mesures enregistrées dans la base).") var measures: String?
        @Option(name: "registry", help: AnalystInput.registryHelp) var registry: String?
        init() {}
    }

    var help: String {
        "Évaluation : une ligne par (finess, indicateur ayant une cible) : valeur, cible, atteint (oui, non, non évaluable) et explication."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.catalogue, let year = signature.year else {
            throw CommandFailure("options obligatoires : --catalogue ID et --year ANNEE (et --measures FICHIER, sinon les mesures de la base)")
        }
        let catalogue = try AnalystInput.catalogue(id, app: context.application)
        let measures = try await AnalystInput.measures(path: signature.measures, registryPath: signature.registry,
                                                       catalogue: catalogue, app: context.application)
        let rows = try Self.rows(catalogue: catalogue, year: year, measures: measures)
        if rows.count == 1, case .region(let code) = catalogue.scope {
            FileHandle.standardError.write(Data("aucun établissement de la région \(code) dans les mesures : les régions viennent de --registry ou de la base.\n".utf8))
        }
        AnalystInput.write(rows)
    }

    /// The output table, header first: `finess;indicateur;valeur;cible;atteint;explication`.
    static func rows(catalogue: CatalogueVersion, year: Int, measures: MeasureSet) throws -> [[String]] {
        let rows: [AchievementRow]
        do { rows = try TargetAchievements.rows(catalogue: catalogue, year: year, measures: measures) }
        catch { throw CommandFailure(error.description) }
        return [AchievementRow.header] + rows.map(\.fields)
    }
}
