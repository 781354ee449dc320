import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Targeting campaigns: run (an immutable snapshot), overrides with their reasons, freeze (D28).
/// Scope: a campaign belongs to one region; only users whose scope covers it see it (404 otherwise).
struct CampaignService {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    /// The national limit per contract: at most 7 national and 7 regional indicators.
    static let maxIndicatorsPerPart = 7

    // MARK: Reading

    func find(_ id: UUID) async throws -> TargetingCampaign {
        guard let campaign = try await TargetingCampaign.find(id, on: db), actor.scope.coversAll(regions: [campaign.regionCode]) else {
            throw UserFacingError.notFound()
        }
        return campaign
    }

    func list() async throws -> [TargetingCampaign] {
        var query = TargetingCampaign.query(on: db).sort(\.$createdAt, .descending)
        switch actor.scope {
        case .all: break
        case .regions(let codes): query = query.filter(\.$regionCode ~~ Array(codes))
        default: return []
        }
        return try await query.limit(500).all()
    }

    func results(_ campaign: TargetingCampaign) async throws -> [TargetingResultRecord] {
        try await TargetingResultRecord.query(on: db).filter(\.$campaignID == campaign.requireID())
            .sort(\.$holderFINESS).sort(\.$catalogueID).sort(\.$indicator).all()
    }

    func overrides(_ campaign: TargetingCampaign) async throws -> [TargetingOverride] {
        try await TargetingOverride.query(on: db).filter(\.$campaignID == campaign.requireID()).sort(\.$createdAt).all()
    }

    /// The holders to contract and their indicators: computed « oui », plus overrides in, minus
    /// overrides out.
    func selection(_ campaign: TargetingCampaign) async throws -> [String: [TargetingResultRecord]] {
        let results = try await results(campaign)
        let overrides = try await overrides(campaign)
        var decided: [String: Bool] = [:]
        for o in overrides { decided["\(o.holderFINESS)|\(o.indicator)"] = o.included }
        var selection: [String: [TargetingResultRecord]] = [:]
        for r in results {
            let computed = r.outcome == "oui"
            if decided["\(r.holderFINESS)|\(r.indicator)"] ?? computed { selection[r.holderFINESS, default: []].append(r) }
        }
        return selection
    }

    // MARK: Writing

    /// Runs targeting for `region` on the stored measures of `year` with `catalogueIDs`, and stores
    /// the snapshot. A rerun for the same region and year becomes the next run number.
    func create(region: String, year: Int, catalogueIDs: [String]) async throws -> TargetingCampaign {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector || actor.role == nil || actor.role == .admin else {
            throw UserFacingError.forbidden()
        }
        let region = region.trimmingCharacters(in: .whitespaces)
        guard region.count <= 3, !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else {
            throw UserFacingError(.unprocessableEntity, "« region » : code de région « \(region.prefix(10)) » invalide (ex. « 32 »).")
        }
        let geography = try await app.referenceCache.geography { try await GeographyRepository(db: db).all() }
        guard geography.regions.contains(where: { $0.code == region }) else {
            throw UserFacingError(.unprocessableEntity, "« region » : la région « \(region) » n'existe pas.")
        }
        guard actor.scope.coversAll(regions: [region]) else {
            throw UserFacingError(.forbidden, "La région \(region) est hors de votre périmètre.")
        }
        guard (2000...2100).contains(year) else {
            throw UserFacingError(.unprocessableEntity, "« annee » : \(year) hors de la plage 2000–2100.")
        }
        let ids = Array(NSOrderedSet(array: catalogueIDs.map { $0.trimmingCharacters(in: .whitespaces) })) as? [String] ?? catalogueIDs
        guard !ids.isEmpty, ids.count <= 10 else {
            throw UserFacingError(.unprocessableEntity, "« catalogues » : indiquez de 1 à 10 catalogues (ex. [\"national-2022\"]).")
        }
        let registry = try app.catalogues()
        var catalogues: [CatalogueVersion] = []
        for id in ids {
            guard let catalogue = registry[id] else {
                throw UserFacingError(.unprocessableEntity, "« catalogues » : catalogue « \(id.prefix(40)) » inconnu (disponibles : \(registry.all.map(\.id).sorted().joined(separator: ", "))).")
            }
            if case .region(let code) = catalogue.scope, code != region {
                throw UserFacingError(.unprocessableEntity, "« catalogues » : le catalogue « \(id) » est celui de la région \(code), pas de la région \(region).")
            }
            catalogues.append(catalogue)
        }

        // Run every catalogue before writing anything: a failure leaves nothing half-written.
        struct Line: Sendable { let holder: String; let catalogue: String; let indicator: String; let regional: Bool; let outcome: String; let reason: String; let criteria: String }
        var lines: [Line] = []
        let measures = MeasureRepository(db: db)
        for catalogue in catalogues {
            let set = try await measures.measureSet(for: catalogue)
            let run: TargetingRun
            do {
                run = try TargetingEngine.run(catalogue, referenceYear: year, population: catalogue.scope, measures: set)
            } catch {
                throw UserFacingError(.unprocessableEntity, "Ciblage impossible avec « \(catalogue.id) » : \(error.description)")
            }
            let regional: Bool = if case .region = catalogue.scope { true } else { false }
            for decision in run.decisions where set.member(decision.subject)?.region == region {
                let outcome: String = switch decision.outcome {
                case .targeted: "oui"
                case .notTargeted: "non"
                case .notEvaluable: "non évaluable"
                }
                let criteria = decision.criteria.map { c in
                    CriterionSnapshot(libelle: c.label, valeur: c.value?.frenchText(), comparaison: c.comparison.symbol,
                                      seuil: c.threshold?.frenchText(), resultat: c.outcome.label)
                }
                lines.append(Line(holder: decision.subject, catalogue: catalogue.id, indicator: decision.indicatorCode,
                                  regional: regional, outcome: outcome, reason: TargetCommand.reason(decision),
                                  criteria: try JSONText.encode(criteria)))
            }
        }
        let names = try await EstablishmentRepository(db: db, scope: .all).holderNames(Set(lines.map(\.holder)))
        let rows = lines
        let versions = try await dataVersions(region: region)

        return try await db.transaction { db in
            let previous = try await TargetingCampaign.query(on: db).filter(\.$regionCode == region).filter(\.$year == year)
                .sort(\.$runNumber, .descending).first()
            let campaign = TargetingCampaign()
            campaign.id = UUID()
            campaign.regionCode = region
            campaign.year = year
            campaign.catalogues = try JSONText.encode(ids)
            campaign.dataVersions = versions
            campaign.runNumber = (previous?.runNumber ?? 0) + 1
            campaign.previousID = previous?.id
            campaign.createdByID = actor.userID
            campaign.createdBy = actor.label
            campaign.createdAt = now
            campaign.version = 1
            try await campaign.create(on: db)
            let campaignID = try campaign.requireID()
            let sql = db as! any SQLDatabase
            for chunk in rows.chunked(into: 400) {
                var insert = sql.insert(into: "targeting_results")
                    .columns("id", "campaign_id", "holder_finess", "holder_name", "catalogue_id", "indicator", "regional", "outcome", "reason", "criteria")
                for line in chunk {
                    insert = insert.values([SQLBind(UUID()), SQLBind(campaignID), SQLBind(line.holder),
                                            SQLBind(names[line.holder] ?? line.holder), SQLBind(line.catalogue), SQLBind(line.indicator),
                                            SQLBind(line.regional), SQLBind(line.outcome), SQLBind(line.reason), SQLBind(line.criteria)])
                }
                try await insert.run()
            }
            try await AuditLog.append(on: db, actor: actor.audit, action: "campagne.ciblage",
                                      target: "campagne \(campaignID.uuidString.lowercased())",
                                      details: "région \(region), année \(year), catalogues \(ids.joined(separator: ", ")), exécution n° \(campaign.runNumber), \(rows.count) ligne(s)",
                                      at: now)
            return campaign
        }
    }

    /// The measure imports the run read: source, years, import id and date (the data versions).
    private func dataVersions(region: String) async throws -> String {
        struct Version: Codable { var source: String; var annees: String; var import_id: String; var date: String }
        let runs = try await ImportRun.query(on: db)
            .filter(\.$kind ~~ [ImportKind.measures, .sae, .hospidiag, .phmev].map(\.rawValue))
            .filter(\.$status == ImportStatus.done.rawValue)
            .sort(\.$startedAt, .descending).limit(200).all()
        let versions = runs.filter { run in
            guard let regions = run.regions, !regions.isEmpty else { return true }
            return regions.split(separator: ",").contains { String($0) == region }
        }.map { run in
            Version(source: run.source ?? "", annees: run.years ?? "", import_id: run.id?.uuidString.lowercased() ?? "",
                    date: ISO8601DateFormatter().string(from: run.finishedAt ?? run.startedAt))
        }
        return try JSONText.encode(versions)
    }

    /// Puts a (holder, indicator) in or out of the list, with a written reason; before the freeze only.
    func override(_ campaign: TargetingCampaign, holder: String, indicator: String, included: Bool, reason: String) async throws -> TargetingOverride {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector else { throw UserFacingError.forbidden() }
        guard !campaign.isFrozen else {
            throw UserFacingError(.conflict, "La campagne est gelée depuis le \(campaign.frozenOn.flatMap { try? LocalDate($0) }?.description ?? "") : sa liste ne change plus. Relancez un ciblage pour en préparer une autre.")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2_000 else {
            throw UserFacingError(.unprocessableEntity, "« raison » : une raison écrite (1 à 2 000 caractères) est obligatoire pour toute dérogation.")
        }
        let campaignID = try campaign.requireID()
        guard try await TargetingResultRecord.query(on: db).filter(\.$campaignID == campaignID)
            .filter(\.$holderFINESS == holder).filter(\.$indicator == indicator).first() != nil else {
            throw UserFacingError(.unprocessableEntity, "« titulaire » / « indicateur » : aucun résultat de ciblage pour \(holder.prefix(20)) et « \(indicator.prefix(20)) » dans cette campagne.")
        }
        return try await db.transaction { db in
            if let existing = try await TargetingOverride.query(on: db).filter(\.$campaignID == campaignID)
                .filter(\.$holderFINESS == holder).filter(\.$indicator == indicator).first() {
                try await existing.delete(on: db)
            }
            let o = TargetingOverride()
            o.id = UUID()
            o.campaignID = campaignID
            o.holderFINESS = holder
            o.indicator = indicator
            o.included = included
            o.reason = reason
            o.authorID = actor.userID
            o.author = actor.label
            o.createdAt = now
            try await o.create(on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "campagne.derogation",
                                      target: "campagne \(campaignID.uuidString.lowercased())",
                                      details: "\(holder) \(indicator) \(included ? "ciblé" : "non ciblé") : \(reason)", at: now)
            return o
        }
    }

    /// The director freezes the list with the decision date (D28). Refused above 7 national or
    /// 7 regional indicators for a holder, naming them; one frozen run per region and year.
    func freeze(_ campaign: TargetingCampaign, decisionDate: LocalDate) async throws -> TargetingCampaign {
        guard actor.role == .arsDirector else {
            throw UserFacingError(.forbidden, "Seule la direction de l'ARS (DG ou délégué) gèle la liste des établissements ciblés.")
        }
        guard !campaign.isFrozen else {
            throw UserFacingError(.conflict, "La campagne est déjà gelée (décision du \(campaign.frozenOn.flatMap { try? LocalDate($0) }?.description ?? "")).")
        }
        guard decisionDate <= LegalClock.today(now) else {
            throw UserFacingError(.unprocessableEntity, "« date_decision » : le \(decisionDate) est postérieur à aujourd'hui.")
        }
        let selection = try await selection(campaign)
        var tooMany: [String] = []
        for (holder, lines) in selection.sorted(by: { $0.key < $1.key }) {
            let national = lines.filter { !$0.regional }.count, regional = lines.filter(\.regional).count
            if national > Self.maxIndicatorsPerPart || regional > Self.maxIndicatorsPerPart {
                tooMany.append("\(holder) (\(national) nationaux, \(regional) régionaux)")
            }
        }
        guard tooMany.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "Gel refusé : un contrat porte au plus \(Self.maxIndicatorsPerPart) indicateurs nationaux et \(Self.maxIndicatorsPerPart) régionaux. Retirez-en par dérogation pour : \(tooMany.prefix(20).joined(separator: ", "))\(tooMany.count > 20 ? "…" : "").")
        }
        return try await db.transaction { db in
            if let other = try await TargetingCampaign.query(on: db).filter(\.$regionCode == campaign.regionCode)
                .filter(\.$year == campaign.year).filter(\.$frozenOn != nil).first() {
                throw UserFacingError(.conflict, "L'exécution n° \(other.runNumber) de cette campagne (région \(campaign.regionCode), \(campaign.year)) est déjà gelée.")
            }
            let sql = db as! any SQLDatabase
            let updated = try await sql.update("targeting_campaigns")
                .set("frozen_on", to: SQLBind(decisionDate.iso)).set("frozen_by", to: SQLBind(actor.label))
                .set("frozen_at", to: SQLBind(now)).set("version", to: SQLBind(campaign.version + 1))
                .where("id", .equal, SQLBind(try campaign.requireID())).where("version", .equal, SQLBind(campaign.version))
                .returning("id").all()
            guard !updated.isEmpty else {
                throw UserFacingError(.conflict, "La campagne a été modifiée par quelqu'un d'autre entre-temps : rechargez-la.")
            }
            try await AuditLog.append(on: db, actor: actor.audit, action: "campagne.gel",
                                      target: "campagne \(try campaign.requireID().uuidString.lowercased())",
                                      details: "décision du \(decisionDate), \(selection.count) titulaire(s)", at: now)
            guard let fresh = try await TargetingCampaign.find(campaign.requireID(), on: db) else { throw UserFacingError.notFound() }
            return fresh
        }
    }
}

extension Application {
    private struct CataloguesKey: StorageKey { typealias Value = CatalogueRegistry }

    /// Loads the shipped catalogues once, at configure time (they are files of the release).
    func loadCatalogues() {
        storage[CataloguesKey.self] = try? CatalogueStore.registry(directory: directory.resourcesDirectory + "Catalogues/")
    }

    /// The shipped catalogues: those loaded at configure time, or read now (with its French errors).
    func catalogues() throws -> CatalogueRegistry {
        if let cached = storage[CataloguesKey.self] { return cached }
        return try CatalogueStore.registry(directory: directory.resourcesDirectory + "Catalogues/")
    }
}

extension Application {
    /// A 2018 grid of `Resources/Grids/` by its id (`normandie-2018`); the error names the known ones.
    func grid(_ id: String) throws -> Grid {
        let directory = self.directory.resourcesDirectory + "Grids/"
        let known = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }
            .map { String($0.dropLast(5)) }.sorted()
        guard known.contains(id), let text = FileManager.default.contents(atPath: directory + id + ".yaml").map({ String(decoding: $0, as: UTF8.self) }) else {
            throw UserFacingError(.unprocessableEntity, "« grille » : grille « \(id.prefix(40)) » inconnue (disponibles : \(known.joined(separator: ", "))).")
        }
        do { return try GridLoader.load(yaml: text, file: id + ".yaml") } catch {
            throw UserFacingError(.unprocessableEntity, "Grille « \(id) » invalide : \(error.description)")
        }
    }
}
