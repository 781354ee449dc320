import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Yearly evaluation campaigns (DOMAIN B.5.2): opening a campaign for the contracts in force
/// during year N, the establishments' self-assessments (drafts, evidence, action plans,
/// submission) and the reviews of each indicator. Scope is one rule, `visible`, applied to every
/// read; decisions and results live in `EvaluationDecisions` and `EvaluationResults`.
struct EvaluationService {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    var today: LocalDate { LegalClock.today(now) }

    // MARK: Scope

    static func visible(_ assessment: SelfAssessment, to scope: AccessScope) -> Bool {
        scope.allows(regionCode: assessment.regionCode, departmentCode: assessment.departmentCode,
                     holderFINESS: assessment.holderFINESS, legalEntityFINESS: assessment.legalEntityFINESS)
    }

    /// A campaign is visible to the region's ARS, and to a fund or establishment that has at least
    /// one self-assessment in it.
    func campaignVisible(_ campaign: EvaluationCampaign) async throws -> Bool {
        switch actor.scope {
        case .all: return true
        case .none: return false
        case .regions(let codes): return codes.contains(campaign.regionCode)
        case .departments, .holders:
            return try await !assessments(of: campaign).isEmpty
        }
    }

    func findCampaign(_ id: UUID) async throws -> EvaluationCampaign {
        guard let campaign = try await EvaluationCampaign.find(id, on: db), try await campaignVisible(campaign) else {
            throw UserFacingError.notFound()
        }
        return campaign
    }

    func listCampaigns() async throws -> [EvaluationCampaign] {
        var query = EvaluationCampaign.query(on: db)
        switch actor.scope {
        case .all: break
        case .none: return []
        case .regions(let codes): query = query.filter(\.$regionCode ~~ Array(codes))
        case .departments, .holders:
            let ids = Set(try await scopedAssessments().all().map(\.campaignID))
            if ids.isEmpty { return [] }
            query = query.filter(\.$id ~~ Array(ids))
        }
        return try await query.sort(\.$year, .descending).sort(\.$regionCode).all()
    }

    private func scopedAssessments() -> QueryBuilder<SelfAssessment> {
        let query = SelfAssessment.query(on: db)
        switch actor.scope {
        case .all: return query
        case .none: return query.filter(\.$holderFINESS == "")
        case .regions(let codes): return query.filter(\.$regionCode ~~ Array(codes))
        case .departments(let codes): return query.filter(\.$departmentCode ~~ Array(codes))
        case .holders(let codes): return query.filter(\.$holderFINESS ~~ Array(codes))
        }
    }

    /// The campaign's self-assessments the actor may see.
    func assessments(of campaign: EvaluationCampaign) async throws -> [SelfAssessment] {
        try await scopedAssessments().filter(\.$campaignID == campaign.requireID()).sort(\.$holderName).all()
    }

    func findAssessment(_ id: UUID) async throws -> SelfAssessment {
        guard let assessment = try await SelfAssessment.find(id, on: db), Self.visible(assessment, to: actor.scope) else {
            throw UserFacingError.notFound()
        }
        return assessment
    }

    /// An evaluation document by its SHA-256, scoped like its self-assessment.
    func document(sha256: String) async throws -> EvaluationDocument {
        let sha = sha256.lowercased()
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { throw UserFacingError.notFound() }
        for document in try await EvaluationDocument.query(on: db).filter(\.$sha256 == sha).all() {
            if let assessment = try await SelfAssessment.find(document.assessmentID, on: db), Self.visible(assessment, to: actor.scope) {
                return document
            }
        }
        throw UserFacingError.notFound()
    }

    // MARK: Opening a campaign

    struct NewCampaign {
        var region: String
        var year: Int
        var envelope: Decimal = 0
        var sharing: String = "proportionnel"
        var amountPerIndicator: Decimal? = nil
        var calendar: EvaluationCalendar? = nil
        /// A 2018-grid campaign: the grid, the year's regional target in %, and the establishments.
        var grid: String? = nil
        var gridTarget: Decimal? = nil
        /// Thresholds of the grid's quantitative criteria, set by the region (COPIL) after the T0.
        var gridThresholds: [String: QuantitativeThresholds] = [:]
        var gridHolders: [GridHolder] = []
    }

    struct GridHolder: Sendable {
        var finess: String
        var products: Decimal
        var sectors: [GridSector]
        var previous: Decimal?
    }

    /// The years a campaign may evaluate; checked before any calendar is built for the year.
    static func checkYear(_ year: Int) throws {
        guard (2018...2100).contains(year) else {
            throw UserFacingError(.unprocessableEntity, "« annee » : \(year) n'est pas une année d'évaluation (2018 à 2100).")
        }
    }

    /// Opens the campaign of a region and year with one self-assessment per contract in force
    /// during the year (the latest amendment when there is one), and tells each holder.
    func createCampaign(_ new: NewCampaign) async throws -> EvaluationCampaign {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector || actor.role == nil else {
            throw UserFacingError(.forbidden, "Seule l'ARS ouvre une campagne d'évaluation.")
        }
        let region = String(new.region.prefix(3))
        guard actor.scope.allows(regionCode: region, departmentCode: "", holderFINESS: "", legalEntityFINESS: "") else {
            throw UserFacingError(.notFound, "Région « \(region) » hors de votre périmètre.")
        }
        try Self.checkYear(new.year)
        guard ["proportionnel", "montant_fixe"].contains(new.sharing) else {
            throw UserFacingError(.unprocessableEntity, "« partage » : « \(new.sharing.prefix(30)) » inconnu (attendu : proportionnel ou montant_fixe, D12).")
        }
        if new.sharing == "montant_fixe", new.amountPerIndicator == nil {
            throw UserFacingError(.unprocessableEntity, "« montant_par_indicateur » est obligatoire avec le partage « montant_fixe » (D12).")
        }
        if let grid = new.grid { return try await createGridCampaign(new, region: region, gridID: grid) }
        let yearStart = try LocalDate(year: new.year, month: 1, day: 1), yearEnd = try LocalDate(year: new.year, month: 12, day: 31)
        let candidates = try await Contract.query(on: db).filter(\.$regionCode == region)
            .filter(\.$state ~~ [ContractProcedure.State.signed.code, ContractProcedure.State.inForce.code]).all()
        // Per holder, the contract (or amendment) in force during the year that started last.
        var chosen: [String: Contract] = [:]
        for contract in candidates {
            guard let start = try? LocalDate(contract.startsOn), let end = try? LocalDate(contract.endsOn),
                  start <= yearEnd, end >= yearStart else { continue }
            if let other = chosen[contract.holderFINESS], other.startsOn >= contract.startsOn { continue }
            chosen[contract.holderFINESS] = contract
        }
        guard !chosen.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "Aucun contrat signé en vigueur en \(new.year) dans la région \(region) : rien à évaluer.")
        }
        let calendar = new.calendar ?? EvaluationCalendar.standard(year: new.year)
        let chosenContracts = chosen
        let campaign = EvaluationCampaign()
        campaign.id = UUID()
        campaign.regionCode = region
        campaign.year = new.year
        campaign.kind = "caqes"
        let indicatorsByHolder = chosen.mapValues { (try? JSONText.decode([ContractIndicator].self, from: $0.indicators)) ?? [] }
        campaign.catalogues = try JSONText.encode(Array(Set(indicatorsByHolder.values.flatMap { $0.map(\.catalogue) })).sorted())
        campaign.calendar = try JSONText.encode(calendar)
        campaign.envelope = APIAmount.text(new.envelope)
        campaign.sharing = new.sharing
        campaign.amountPerIndicator = new.amountPerIndicator.map(APIAmount.text)
        campaign.createdByID = actor.userID
        campaign.createdBy = actor.label
        campaign.createdAt = now
        campaign.version = 1
        let registry = try app.catalogues()
        try await db.transaction { db in
            if try await EvaluationCampaign.query(on: db).filter(\.$regionCode == region).filter(\.$year == new.year)
                .filter(\.$kind == "caqes").first() != nil {
                throw UserFacingError(.conflict, "Une campagne d'évaluation \(new.year) existe déjà pour la région \(region).")
            }
            try await campaign.create(on: db)
            for contract in chosenContracts.values.sorted(by: { $0.holderName < $1.holderName }) {
                // Indicators evaluated in the year: those whose catalogue covers it (D9).
                let indicators = (indicatorsByHolder[contract.holderFINESS] ?? []).filter { indicator in
                    guard let catalogue = registry[indicator.catalogue] else { return false }
                    return (catalogue.validFrom...catalogue.validTo).contains(new.year)
                }
                try await open(SelfAssessment.Holder(finess: contract.holderFINESS, name: contract.holderName, legalEntity: contract.legalEntityFINESS,
                                                     region: contract.regionCode, department: contract.departmentCode),
                               contract: try contract.requireID(), products: contract.amProducts, indicators: try JSONText.encode(indicators),
                               content: try await carriedOver(holder: contract.holderFINESS, year: new.year, on: db),
                               campaign: campaign, calendar: calendar, on: db)
            }
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.campagne", target: "campagne d'évaluation \(try campaign.requireID().uuidString.lowercased())",
                                      details: "région \(region), année \(new.year), \(chosenContracts.count) contrat(s), enveloppe FIR \(FrenchNumberFormat.euros(new.envelope))", at: now)
        }
        return campaign
    }

    /// A campaign on the 2018 grid (D13): every listed establishment answers the grid's criteria
    /// for its sectors; the score is compared with the year's regional target, and a sanction on
    /// its AM products of N-1 is due when it misses it without improving enough.
    private func createGridCampaign(_ new: NewCampaign, region: String, gridID: String) async throws -> EvaluationCampaign {
        var grid = try app.grid(gridID)
        var thresholdProblems: [String] = []
        for (id, thresholds) in new.gridThresholds.sorted(by: { $0.key < $1.key }) {
            do { grid = try grid.settingThresholds(thresholds, for: id) } catch { thresholdProblems.append("seuils.\(id.prefix(20)) : \(error.description)") }
        }
        guard thresholdProblems.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "Campagne refusée, rien n'est enregistré : " + thresholdProblems.prefix(20).joined(separator: " ; ") + ".")
        }
        guard let target = new.gridTarget, target > 0, target <= 100 else {
            throw UserFacingError(.unprocessableEntity, "« cible_regionale » : la cible régionale de l'année, en %, est obligatoire avec une grille (ex. \"70\").")
        }
        guard !new.gridHolders.isEmpty, new.gridHolders.count <= 5_000 else {
            throw UserFacingError(.unprocessableEntity, "« titulaires » : la liste des établissements évalués sur la grille est obligatoire (5 000 au plus).")
        }
        var problems: [String] = []
        var holders: [(GridHolder, EstablishmentRepository.Holder)] = []
        let repository = EstablishmentRepository(db: db, scope: .all)
        for (index, item) in new.gridHolders.enumerated() {
            let place = "titulaires[\(index)]"
            guard let holder = try await repository.holder(item.finess) else { problems.append("\(place) : \(item.finess.prefix(20)) absent du registre"); continue }
            guard holder.region == region else { problems.append("\(place) : \(item.finess) n'est pas dans la région \(region)"); continue }
            if item.sectors.isEmpty { problems.append("\(place) : « secteurs » obligatoires (MCO, HAD, Dialyse, SSR, PSY)") }
            if let previous = item.previous, previous < 0 || previous > 100 { problems.append("\(place) : « score_precedent » entre 0 et 100") }
            if holders.contains(where: { $0.1.finess == holder.finess }) { problems.append("\(place) : \(holder.finess) en double") }
            holders.append((item, holder))
        }
        guard problems.isEmpty else { throw UserFacingError(.unprocessableEntity, "Campagne refusée, rien n'est enregistré : " + problems.prefix(20).joined(separator: " ; ") + ".") }
        let calendar = new.calendar ?? EvaluationCalendar.standard(year: new.year)
        let campaign = EvaluationCampaign()
        campaign.id = UUID()
        campaign.regionCode = region
        campaign.year = new.year
        campaign.kind = "grille_2018"
        campaign.catalogues = "[]"
        campaign.gridID = grid.id
        campaign.gridTarget = "\(target)"
        campaign.gridThresholds = new.gridThresholds.isEmpty ? nil : try JSONText.encode(new.gridThresholds)
        campaign.calendar = try JSONText.encode(calendar)
        campaign.envelope = "0.00"
        campaign.sharing = "proportionnel"
        campaign.createdByID = actor.userID
        campaign.createdBy = actor.label
        campaign.createdAt = now
        campaign.version = 1
        let unit = try JSONText.encode([ContractIndicator(code: "GRILLE", libelle: grid.title, catalogue: grid.id, regional: false, taux: nil,
                                                          cibles: [String(new.year): "≥ \(FrenchNumberFormat.decimal(target)) %"], origine: "grille")])
        let chosen = holders
        try await db.transaction { db in
            if try await EvaluationCampaign.query(on: db).filter(\.$regionCode == region).filter(\.$year == new.year)
                .filter(\.$kind == "grille_2018").first() != nil {
                throw UserFacingError(.conflict, "Une campagne \(new.year) sur la grille 2018 existe déjà pour la région \(region).")
            }
            try await campaign.create(on: db)
            for (item, holder) in chosen.sorted(by: { $0.1.name < $1.1.name }) {
                try await open(SelfAssessment.Holder(finess: holder.finess, name: holder.name, legalEntity: holder.legalEntity,
                                                     region: region, department: holder.department),
                               contract: nil, products: APIAmount.text(item.products), indicators: unit, content: AssessmentContent(),
                               sectors: try JSONText.encode(item.sectors.map(\.rawValue)), previous: item.previous.map { "\($0)" },
                               campaign: campaign, calendar: calendar, on: db)
            }
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.campagne", target: "campagne d'évaluation \(try campaign.requireID().uuidString.lowercased())",
                                      details: "région \(region), année \(new.year), grille \(gridID), cible \(target) %, \(chosen.count) établissement(s)"
                                        + (new.gridThresholds.isEmpty ? "" : ", seuils de \(new.gridThresholds.count) critère(s) quantitatif(s)"), at: now)
        }
        return campaign
    }

    /// The 2018 grid of the assessment's campaign, nil for a 2022+ campaign.
    func grid(of assessment: SelfAssessment) async throws -> Grid? {
        guard let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db) else { return nil }
        return try Self.grid(of: campaign, app: app)
    }

    /// A campaign's 2018 grid with the thresholds its region set for the quantitative criteria;
    /// nil for a 2022+ campaign. The one way to read a campaign's grid.
    static func grid(of campaign: EvaluationCampaign, app: Application) throws -> Grid? {
        guard campaign.isGrid, let id = campaign.gridID else { return nil }
        var grid = try app.grid(id)
        for (criterion, thresholds) in campaign.quantitativeThresholds {
            grid = (try? grid.settingThresholds(thresholds, for: criterion)) ?? grid
        }
        return grid
    }

    /// Creates one self-assessment of a campaign being opened (2022+ contract or 2018 grid) and
    /// tells the holder, in the caller's transaction.
    private func open(_ holder: SelfAssessment.Holder, contract: UUID?, products: String, indicators: String, content: AssessmentContent,
                      sectors: String? = nil, previous: String? = nil, campaign: EvaluationCampaign, calendar: EvaluationCalendar,
                      on db: any Database) async throws {
        let assessment = SelfAssessment()
        assessment.id = UUID()
        assessment.campaignID = try campaign.requireID()
        assessment.contractID = contract
        assessment.holderFINESS = holder.finess
        assessment.holderName = holder.name
        assessment.legalEntityFINESS = holder.legalEntity
        assessment.regionCode = holder.region
        assessment.departmentCode = holder.department
        assessment.amProducts = products
        assessment.indicators = indicators
        assessment.sectors = sectors
        assessment.previousScore = previous
        assessment.state = EvaluationProcedure.State.open.code
        assessment.deadline = calendar.entryEnd.iso
        assessment.content = try JSONText.encode(content)
        assessment.submissions = 0
        assessment.createdAt = now
        assessment.updatedAt = now
        assessment.version = 1
        try await assessment.create(on: db)
        try await EvaluationNotifications.opened(assessment, campaign: campaign, calendar: calendar,
                                                 siteURL: app.caqesSettings.publicURL, at: now, on: db)
    }

    /// The sectors of a grid self-assessment.
    static func sectors(_ assessment: SelfAssessment) -> Set<GridSector> {
        Set(((try? JSONText.decode([String].self, from: assessment.sectors ?? "[]")) ?? []).compactMap(GridSector.parse))
    }

    /// Grid answers as typed (`R`, `PR`, `NR`, `NC`, or a rate for a quantitative criterion),
    /// checked against the grid and the establishment's sectors; the problems name the criterion.
    static func gridAnswers(_ texts: [String: String], grid: Grid, sectors: Set<GridSector>) -> (answers: [String: GridAnswer], problems: [String]) {
        var answers: [String: GridAnswer] = [:], problems: [String] = []
        for (id, raw) in texts.sorted(by: { $0.key < $1.key }) {
            let text = raw.trimmingCharacters(in: .whitespaces).uppercased()
            guard let criterion = grid.criterion(id) else { problems.append("critère « \(id.prefix(20)) » inconnu de la grille"); continue }
            guard criterion.maxPoints(for: sectors) != nil else { problems.append("critère \(id) : ne s'applique pas à vos secteurs"); continue }
            if text.isEmpty { continue }
            if let status = CriterionStatus(rawValue: text) {
                if criterion.isQuantitative && status != .notConcerned { problems.append("critère \(id) : quantitatif, attendu un taux en % (ou NC)"); continue }
                answers[id] = .status(status)
            } else if criterion.isQuantitative, let rate = number(raw), rate <= 100 {
                if case .quantitative(nil) = criterion.measure {
                    problems.append("critère \(id) : ses seuils ne sont pas encore fixés dans la grille (COPIL) ; répondez NC")
                    continue
                }
                answers[id] = .rate(rate)
            } else {
                problems.append("critère \(id) : « \(raw.prefix(10)) » invalide (" + (criterion.isQuantitative ? "un taux de 0 à 100, ou NC" : "R, PR, NR ou NC") + ")")
            }
        }
        return (answers, problems)
    }

    /// Last year's action plans, carried into this year's form (open actions only).
    private func carriedOver(holder: String, year: Int, on db: any Database) async throws -> AssessmentContent {
        let previousCampaigns = try await EvaluationCampaign.query(on: db).filter(\.$year == year - 1).all().compactMap(\.id)
        guard !previousCampaigns.isEmpty,
              let previous = try await SelfAssessment.query(on: db).filter(\.$campaignID ~~ previousCampaigns)
                .filter(\.$holderFINESS == holder).first() else { return AssessmentContent() }
        let old = (try? JSONText.decode(AssessmentContent.self, from: previous.submittedContent ?? previous.content)) ?? AssessmentContent()
        var content = AssessmentContent()
        for (code, entry) in old.indicateurs {
            let open = entry.plan_action.filter { $0.statut == "a_faire" || $0.statut == "en_cours" }
            if !open.isEmpty { content.indicateurs[code] = AssessmentEntry(plan_action: open) }
        }
        return content
    }

    // MARK: The form

    /// The indicators this actor sees in a form: an expert, those of their body; the fund, all
    /// (it reviews those of `AM`); everyone else, all.
    func indicatorsVisible(in assessment: SelfAssessment) throws -> [ContractIndicator] {
        let all = assessment.contractIndicators
        guard actor.role == .expert else { return all }
        let registry = try app.catalogues()
        return all.filter { indicator in
            guard let body = actor.expertBody else { return false }
            return registry[indicator.catalogue]?.indicator(indicator.code)?.review.reviewer == body
        }
    }

    func definition(_ indicator: ContractIndicator) throws -> IndicatorDefinition? {
        try app.catalogues()[indicator.catalogue]?.indicator(indicator.code)
    }

    func reviews(_ assessment: SelfAssessment) async throws -> [AssessmentReview] {
        try await AssessmentReview.query(on: db).filter(\.$assessmentID == assessment.requireID()).sort(\.$createdAt).all()
    }

    func documents(_ assessment: SelfAssessment) async throws -> [EvaluationDocument] {
        try await EvaluationDocument.query(on: db).filter(\.$assessmentID == assessment.requireID()).sort(\.$createdAt).all()
    }

    /// Each indicator's status for the board, from the submissions and the last review of each.
    static func statuses(_ assessment: SelfAssessment, reviews: [AssessmentReview]) -> [String: IndicatorStatus] {
        let submitted = assessment.submissions > 0
        let underReview = !reviews.isEmpty
        var result: [String: IndicatorStatus] = [:]
        for indicator in assessment.contractIndicators {
            let last = reviews.last { $0.indicator == indicator.code }
            let decision = last.flatMap { ReviewDecision(rawValue: $0.decision) }
            let after = last.map { $0.submission >= assessment.submissions } ?? false
            result[indicator.code] = IndicatorStatus.of(submitted: submitted, lastReview: decision,
                                                        reviewedAfterLastSubmission: after, formUnderReview: underReview)
        }
        return result
    }

    /// Whether the establishment may still change an indicator: before the first submission,
    /// or once a reviewer sent it back.
    static func editable(_ code: String, in assessment: SelfAssessment, statuses: [String: IndicatorStatus]) -> Bool {
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        if state == .open || state == .selfAssessment { return true }
        return state == .analysis && statuses[code] == .sentBack
    }

    struct DraftIndicator: Decodable, Sendable {
        var code: String?
        var valeurs: [String: String]?
        var commentaire: String?
        var plan_action: [ActionItem]?
    }

    /// Saves the draft (optimistic locking on `version`): declared values checked against the
    /// catalogue, comments, action plans. Only indicators still open to the establishment change.
    /// One indicator's declared values, checked against the catalogue: only the measures the
    /// establishment declares, each a grade or a number; empty ones are dropped, problems named.
    func declaredValues(_ values: [String: String], for indicator: ContractIndicator, problems: inout [String]) throws -> [String: String] {
        let definition = try definition(indicator)
        let catalogue = try app.catalogues()[indicator.catalogue]
        var cleaned: [String: String] = [:]
        for (measure, raw) in values {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard definition?.review.declared.contains(measure) == true, let type = catalogue?.measure(measure)?.type else {
                problems.append("\(indicator.code) : la mesure « \(measure.prefix(40)) » n'est pas déclarée par l'établissement (catalogue)")
                continue
            }
            if text.isEmpty { continue }
            if let error = Self.checkValue(text, type: type) { problems.append("\(indicator.code), \(measure) : \(error)"); continue }
            cleaned[measure] = text
        }
        return cleaned
    }

    /// The establishment's simulation (never stored): on its draft, or with `proposed` declared
    /// values (indicator → measure → value) laid over it as it types them. The establishment and
    /// the ARS that accompanies it see it; the fund and experts do not.
    func simulation(_ assessmentID: UUID, proposed: [String: [String: String]]? = nil) async throws -> (SelfAssessment, [EvaluationResults.Line]) {
        let assessment = try await findAssessment(assessmentID)
        guard [.establishment, .arsAnalyst, .arsDirector, .admin].contains(actor.role) else {
            throw UserFacingError(.forbidden, "La simulation est celle de l'établissement (et de l'ARS qui l'accompagne).")
        }
        guard let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db) else { throw UserFacingError.notFound() }
        var content = (try? JSONText.decode(AssessmentContent.self, from: assessment.content)) ?? AssessmentContent()
        if let proposed {
            guard proposed.count <= 100 else { throw UserFacingError(.unprocessableEntity, "« indicateurs » : 100 au plus.") }
            let known = Dictionary(assessment.contractIndicators.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            var problems: [String] = []
            for (code, values) in proposed.sorted(by: { $0.key < $1.key }) {
                guard let indicator = known[code] else { problems.append("indicateur « \(code.prefix(20)) » absent de ce contrat"); continue }
                guard values.count <= 50 else { problems.append("\(code) : 50 valeurs au plus"); continue }
                var entry = content.indicateurs[code] ?? AssessmentEntry()
                entry.valeurs.merge(try declaredValues(values, for: indicator, problems: &problems)) { _, new in new }
                for (measure, raw) in values where raw.trimmingCharacters(in: .whitespaces).isEmpty { entry.valeurs[measure] = nil }
                content.indicateurs[code] = entry
            }
            guard problems.isEmpty else { throw UserFacingError(.unprocessableEntity, problems.prefix(20).joined(separator: " ; ") + ".") }
        }
        let lines = try await EvaluationResults(db: db, app: app, actor: actor, now: now)
            .simulate(assessment, campaign: campaign, content: try JSONText.encode(content))
        return (assessment, lines)
    }

    func saveDraft(_ assessmentID: UUID, version: Int?, indicators: [DraftIndicator], grid gridTexts: [String: String]? = nil) async throws -> SelfAssessment {
        let assessment = try await findAssessment(assessmentID)
        guard actor.role == .establishment else {
            throw UserFacingError(.forbidden, "Seul l'établissement saisit son auto-évaluation.")
        }
        guard let version else {
            throw UserFacingError(.unprocessableEntity, "« version » est obligatoire : la version du formulaire que vous avez lue (verrouillage optimiste).")
        }
        guard indicators.count <= 100 else { throw UserFacingError(.unprocessableEntity, "« indicateurs » : 100 au plus.") }
        let reviews = try await reviews(assessment)
        let statuses = Self.statuses(assessment, reviews: reviews)
        var content = (try? JSONText.decode(AssessmentContent.self, from: assessment.content)) ?? AssessmentContent()
        let known = Dictionary(uniqueKeysWithValues: assessment.contractIndicators.map { ($0.code, $0) })
        var problems: [String] = []
        for item in indicators {
            guard let code = item.code, let indicator = known[code] else {
                problems.append("indicateur « \((item.code ?? "").prefix(20)) » absent de ce contrat")
                continue
            }
            guard Self.editable(code, in: assessment, statuses: statuses) else {
                problems.append("\(code) : déjà soumis, il ne se modifie que s'il vous est renvoyé")
                continue
            }
            var entry = content.indicateurs[code] ?? AssessmentEntry()
            if let values = item.valeurs {
                entry.valeurs = try declaredValues(values, for: indicator, problems: &problems)
            }
            if let comment = item.commentaire {
                guard comment.count <= 5_000 else { problems.append("\(code) : commentaire de 5 000 caractères au plus"); continue }
                entry.commentaire = comment.isEmpty ? nil : comment
            }
            if let plan = item.plan_action {
                guard plan.count <= 20 else { problems.append("\(code) : 20 actions au plus"); continue }
                for (index, action) in plan.enumerated() {
                    let place = "\(code), action \(index + 1)"
                    if action.action.trimmingCharacters(in: .whitespaces).isEmpty || action.action.count > 500 { problems.append("\(place) : « action » obligatoire (500 caractères au plus)") }
                    if action.responsable.trimmingCharacters(in: .whitespaces).isEmpty || action.responsable.count > 200 { problems.append("\(place) : « responsable » obligatoire") }
                    if (try? APIDate.parse(action.echeance, field: "echeance")) == nil || action.echeance.isEmpty { problems.append("\(place) : « echeance » AAAA-MM-JJ obligatoire") }
                    if !ActionItem.statuses.contains(action.statut) { problems.append("\(place) : « statut » parmi \(ActionItem.statuses.joined(separator: ", "))") }
                }
                entry.plan_action = plan
            }
            content.indicateurs[code] = entry
        }
        if let gridTexts {
            if let grid = try await grid(of: assessment) {
                if Self.editable("GRILLE", in: assessment, statuses: statuses) {
                    guard gridTexts.count <= 500 else { throw UserFacingError(.unprocessableEntity, "« grille » : 500 critères au plus.") }
                    let checked = Self.gridAnswers(gridTexts, grid: grid, sectors: Self.sectors(assessment))
                    problems += checked.problems
                    var merged = content.grille ?? [:]
                    for (id, text) in gridTexts {
                        let clean = text.trimmingCharacters(in: .whitespaces)
                        if clean.isEmpty { merged[id] = nil } else if checked.answers[id] != nil { merged[id] = clean.uppercased() }
                    }
                    content.grille = merged
                } else {
                    problems.append("la grille est déjà soumise : elle ne se modifie que si elle vous est renvoyée")
                }
            } else {
                problems.append("« grille » : cette campagne n'est pas évaluée sur la grille 2018")
            }
        }
        guard problems.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "Brouillon refusé, rien n'est enregistré : " + problems.prefix(20).joined(separator: " ; ") + ".")
        }
        let text = try JSONText.encode(content)
        let id = try assessment.requireID()
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            let updated = try await sql.update("self_assessments")
                .set("content", to: SQLBind(text)).set("updated_at", to: SQLBind(now)).set("version", to: SQLBind(version + 1))
                .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(version)).returning("id").all()
            guard !updated.isEmpty else {
                throw UserFacingError(.conflict, "Le formulaire a été modifié entre-temps (version \(assessment.version), vous aviez la \(version)) : rechargez-le, vos saisies n'ont pas été enregistrées.")
            }
            if assessment.state == EvaluationProcedure.State.open.code {
                _ = try await EvaluationDecisions(db: db, app: app, actor: actor, now: now)
                    .append(.startSelfAssessment, act: "saisie", to: assessment, decision: nil, details: ContractActDetails(), document: nil)
            }
        }
        return try await findAssessment(id)
    }

    /// A declared value must read as its measure's type: a grade A–D, or a non-negative number.
    static func checkValue(_ text: String, type: FormulaType) -> String? {
        switch type {
        case .grade:
            return text.count == 1 && ("A"..."D").contains(text.uppercased()) ? nil : "note « \(text.prefix(10)) » invalide (A, B, C ou D)"
        default:
            guard let value = Self.number(text), value >= 0 else { return "nombre « \(text.prefix(20)) » illisible (ex. 72 ou 72,5)" }
            _ = value
            return nil
        }
    }

    static func number(_ text: String) -> Decimal? {
        let normalized = text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: "")
        guard normalized.count <= 20, normalized.allSatisfy({ $0.isNumber || $0 == "." }), normalized.filter({ $0 == "." }).count <= 1,
              normalized.first?.isNumber == true else { return nil }
        return Decimal(stored: normalized)
    }

    /// Attaches an evidence file (already in the store by its SHA-256) to an indicator.
    func addEvidence(_ assessmentID: UUID, indicator code: String, sha256: String, name: String?) async throws -> SelfAssessment {
        let assessment = try await findAssessment(assessmentID)
        guard actor.role == .establishment else { throw UserFacingError(.forbidden, "Seul l'établissement dépose ses pièces justificatives.") }
        guard assessment.contractIndicators.contains(where: { $0.code == code }) else {
            throw UserFacingError(.unprocessableEntity, "« indicateur » : « \(code.prefix(20)) » absent de ce contrat.")
        }
        let statuses = Self.statuses(assessment, reviews: try await reviews(assessment))
        guard Self.editable(code, in: assessment, statuses: statuses) else {
            throw UserFacingError(.conflict, "\(code) est déjà soumis : une pièce ne s'ajoute que s'il vous est renvoyé.")
        }
        let id = try assessment.requireID()
        try await db.transaction { db in
            guard let fresh = try await SelfAssessment.find(id, on: db) else { throw UserFacingError.notFound() }
            var content = (try? JSONText.decode(AssessmentContent.self, from: fresh.content)) ?? AssessmentContent()
            var entry = content.indicateurs[code] ?? AssessmentEntry()
            if !entry.preuves.contains(sha256) { entry.preuves.append(sha256) }
            content.indicateurs[code] = entry
            let document = EvaluationDocument()
            document.id = UUID()
            document.assessmentID = id
            document.type = "preuve"
            document.indicator = code
            document.name = name.map { String($0.prefix(200)) }
            document.version = entry.preuves.count
            document.sha256 = sha256
            document.createdAt = now
            try await document.create(on: db)
            let sql = db as! any SQLDatabase
            let updated = try await sql.update("self_assessments").set("content", to: SQLBind(try JSONText.encode(content)))
                .set("updated_at", to: SQLBind(now)).set("version", to: SQLBind(fresh.version + 1))
                .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(fresh.version)).returning("id").all()
            guard !updated.isEmpty else { throw UserFacingError(.conflict, "Le formulaire a été modifié entre-temps : recommencez.") }
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.preuve", target: "auto-évaluation \(id.uuidString.lowercased())",
                                      details: "\(code) : pièce \(sha256.prefix(16))… (\(name ?? "sans nom"))", at: now)
        }
        return try await findAssessment(id)
    }

    /// Submits the form: every declared value present, every required evidence attached. The
    /// sealed self-assessment report is produced; a later submission (after a send-back) is a
    /// new version of it.
    func submit(_ assessmentID: UUID) async throws -> SelfAssessment {
        // Scope first (404 outside it), then the role (403).
        let assessment = try await findAssessment(assessmentID)
        guard actor.role == .establishment else { throw UserFacingError(.forbidden, "Seul l'établissement soumet son auto-évaluation.") }
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        let reviews = try await reviews(assessment)
        let statuses = Self.statuses(assessment, reviews: reviews)
        let resubmission = state == .analysis
        guard state == .open || state == .selfAssessment || (resubmission && statuses.values.contains(.sentBack)) else {
            throw UserFacingError(.conflict, "L'auto-évaluation est « \(state.description) » : il n'y a rien à soumettre.")
        }
        let content = (try? JSONText.decode(AssessmentContent.self, from: assessment.content)) ?? AssessmentContent()
        var missing: [String] = []
        for indicator in assessment.contractIndicators {
            guard let definition = try definition(indicator) else { continue }
            let entry = content.indicateurs[indicator.code] ?? AssessmentEntry()
            for measure in definition.review.declared where entry.valeurs[measure] == nil {
                missing.append("\(indicator.code) : valeur « \(measure) » à saisir")
            }
            if definition.review.evidence == .required, entry.preuves.isEmpty {
                missing.append("\(indicator.code) : pièce justificative obligatoire")
            }
        }
        if let grid = try await grid(of: assessment) {
            let checked = Self.gridAnswers(content.grille ?? [:], grid: grid, sectors: Self.sectors(assessment))
            missing += checked.problems
            do { _ = try GridScoring.score(grid: grid, sectors: Self.sectors(assessment), answers: checked.answers) }
            catch { missing.append("grille : \(error.description)") }
        }
        guard missing.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "Soumission impossible : " + missing.joined(separator: " ; ") + ".")
        }
        let id = try assessment.requireID()
        try await db.transaction { db in
            let decisions = EvaluationDecisions(db: db, app: app, actor: actor, now: now)
            let fresh = try await Self.recordSubmission(id, content: nil, at: now, on: db)
            let report = try await decisions.sealReport(fresh)
            if state == .open {
                _ = try await decisions.append(.startSelfAssessment, act: "saisie", to: fresh, decision: nil, details: ContractActDetails(), document: nil)
            }
            if resubmission {
                try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.soumission", target: "auto-évaluation \(id.uuidString.lowercased())",
                                          details: "\(fresh.holderFINESS) : nouvelle version \(fresh.submissions) après renvoi, rapport \(report.prefix(16))…", at: now)
            } else {
                _ = try await decisions.append(.submitSelfAssessment, act: "soumission", to: fresh, decision: nil, details: ContractActDetails(), document: report)
            }
        }
        return try await findAssessment(id)
    }

    /// Writes a submission: `content` (the draft when nil) becomes the submitted version, if
    /// nobody changed the form meanwhile (optimistic locking).
    static func recordSubmission(_ id: UUID, content: String?, at now: Date, on db: any Database) async throws -> SelfAssessment {
        guard let fresh = try await SelfAssessment.find(id, on: db) else { throw UserFacingError.notFound() }
        let submitted = content ?? fresh.content
        fresh.submittedContent = submitted
        fresh.submissions += 1
        fresh.submittedAt = now
        let sql = db as! any SQLDatabase
        let updated = try await sql.update("self_assessments")
            .set("submitted_content", to: SQLBind(submitted)).set("submissions", to: SQLBind(fresh.submissions))
            .set("submitted_at", to: SQLBind(now)).set("updated_at", to: SQLBind(now)).set("version", to: SQLBind(fresh.version + 1))
            .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(fresh.version)).returning("id").all()
        guard !updated.isEmpty else { throw UserFacingError(.conflict, "Le formulaire a été modifié entre-temps : rechargez-le.") }
        fresh.version += 1
        return fresh
    }

    /// The entry deadline passed without a submission: the ARS closes the entry (« constat de
    /// carence »). The form counts as submitted empty — nothing declared, no evidence: the
    /// evaluation goes on with the stored data, a missing declaration is not achieved, and the
    /// other holders' FIR share is no longer held up by this one (D12). The establishment is told;
    /// a reviewer may still send an indicator back to it during the analysis.
    func closeEntry(_ assessmentID: UUID) async throws -> SelfAssessment {
        let assessment = try await findAssessment(assessmentID)
        guard actor.role == .arsAnalyst || actor.role == .arsDirector else {
            throw UserFacingError(.forbidden, "La saisie d'un établissement qui n'a rien soumis est close par l'ARS.")
        }
        guard let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db) else { throw UserFacingError.notFound() }
        let today = LegalClock.today(now)
        if let refusal = Self.entryClosureRefusal(assessment, campaign: campaign, today: today) {
            throw UserFacingError(.conflict, refusal)
        }
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        let calendar = campaign.evaluationCalendar
        let id = try assessment.requireID()
        let note = "Aucune auto-évaluation soumise à l'échéance du \(calendar.entryEnd) : saisie close par l'ARS le \(today). Les valeurs déclaratives manquent ; l'évaluation se poursuit sur les données importées."
        try await db.transaction { db in
            let decisions = EvaluationDecisions(db: db, app: app, actor: actor, now: now)
            let fresh = try await Self.recordSubmission(id, content: try JSONText.encode(AssessmentContent()), at: now, on: db)
            let report = try await decisions.sealReport(fresh, note: note)
            if state == .open {
                _ = try await decisions.append(.startSelfAssessment, act: "saisie", to: fresh, decision: nil, details: ContractActDetails(), document: nil)
            }
            _ = try await decisions.append(.submitSelfAssessment, act: "cloture_saisie", to: fresh, decision: nil,
                                           details: ContractActDetails(texte: note), document: report)
            try await EvaluationNotifications.entryClosed(fresh, note: note, siteURL: app.caqesSettings.publicURL, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.cloture_saisie", target: "auto-évaluation \(id.uuidString.lowercased())",
                                      details: "\(fresh.holderFINESS) : saisie close après l'échéance du \(calendar.entryEnd), rien de soumis ; rapport \(report.prefix(16))…", at: now)
        }
        return try await findAssessment(id)
    }

    /// Why the entry of this self-assessment may not be closed today, nil when it may: still open
    /// to the establishment (a_saisir, saisie), its deadline past, not a 2018-grid campaign.
    static func entryClosureRefusal(_ assessment: SelfAssessment, campaign: EvaluationCampaign, today: LocalDate) -> String? {
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        guard state == .open || state == .selfAssessment else {
            return "L'auto-évaluation est « \(state.description) » : la saisie n'est plus ouverte."
        }
        guard !campaign.isGrid else {
            return "Campagne sur la grille 2018 : la clôture sans soumission n'y est pas prévue (la grille se remplit critère par critère) ; relancez l'établissement."
        }
        let entryEnd = campaign.evaluationCalendar.entryEnd
        guard today > entryEnd else {
            return "La saisie reste ouverte à l'établissement jusqu'au \(entryEnd) inclus : elle ne se clôt qu'après."
        }
        return nil
    }

    // MARK: Review

    struct ReviewRequest: Sendable {
        var indicator: String
        var decision: String
        /// Measure → value; a single value applies to the indicator's one declared measure.
        var values: [String: String]
        var reason: String?
    }

    /// Whether the actor reviews this indicator: the ARS all; the fund those of `AM`; an expert
    /// those of their body.
    func reviews(_ definition: IndicatorDefinition?) -> Bool {
        switch actor.role {
        case .arsAnalyst, .arsDirector: return true
        case .insurer: return definition?.review.reviewer == .insurer
        case .expert: return actor.expertBody != nil && definition?.review.reviewer == actor.expertBody
        default: return false
        }
    }

    /// When reviews are taken: after submission, outside the contradictory periods, before the
    /// final decision, or once a corrective decision reopened it.
    static let reviewStates: [EvaluationProcedure.State] = [.analysis, .answers1, .answers2, .reopened]

    func review(_ assessmentID: UUID, _ request: ReviewRequest) async throws -> AssessmentReview {
        let assessment = try await findAssessment(assessmentID)
        guard let indicator = assessment.contractIndicators.first(where: { $0.code == request.indicator }) else {
            throw UserFacingError(.unprocessableEntity, "« indicateur » : « \(request.indicator.prefix(20)) » absent de ce contrat.")
        }
        let definition = try definition(indicator)
        guard reviews(definition) else {
            if actor.role == .expert, !(try indicatorsVisible(in: assessment).contains { $0.code == indicator.code }) {
                throw UserFacingError.notFound()
            }
            throw UserFacingError(.forbidden, "Vous ne relisez pas l'indicateur \(indicator.code) (relu par : \(definition?.review.reviewer.description ?? "ARS")).")
        }
        guard let decision = ReviewDecision(rawValue: request.decision) else {
            throw UserFacingError(.unprocessableEntity, "« decision » : « \(request.decision.prefix(20)) » inconnue (attendu : acceptee, corrigee ou renvoyee).")
        }
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        guard Self.reviewStates.contains(state) else {
            throw UserFacingError(.conflict, "L'auto-évaluation est « \(state.description) » : la revue se fait après sa soumission et hors des périodes contradictoires, avant la décision définitive (ensuite, seule une décision corrective la rouvre).")
        }
        // Only during the analysis can the establishment submit again: later, the reviewer corrects.
        if decision == .sentBack, state != .analysis {
            throw UserFacingError(.conflict, "L'auto-évaluation est « \(state.description) » : le renvoi à l'établissement n'est possible que pendant l'analyse. Corrigez la valeur avec un motif.")
        }
        let reason = (request.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if decision != .accepted, reason.isEmpty {
            throw UserFacingError(.unprocessableEntity, "« motif » est obligatoire pour une revue « \(decision.rawValue) ».")
        }
        guard reason.count <= 5_000 else { throw UserFacingError(.unprocessableEntity, "« motif » : 5 000 caractères au plus.") }
        var corrected: [String: String] = [:]
        if decision == .corrected, let grid = try await grid(of: assessment) {
            guard !request.values.isEmpty, request.values[""] == nil else {
                throw UserFacingError(.unprocessableEntity, "« valeur » : pour la grille, un objet {\"critère\": \"R|PR|NR|NC ou taux\"}.")
            }
            let checked = Self.gridAnswers(request.values, grid: grid, sectors: Self.sectors(assessment))
            guard checked.problems.isEmpty else { throw UserFacingError(.unprocessableEntity, "« valeur » : " + checked.problems.joined(separator: " ; ") + ".") }
            corrected = request.values.mapValues { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        } else if decision == .corrected {
            let catalogue = try app.catalogues()[indicator.catalogue]
            let allowed = Set(catalogue?.measures.map(\.code) ?? [])
            var values = request.values
            if let single = values[""] {
                guard let measure = definition?.review.declared.first, definition?.review.declared.count == 1 else {
                    throw UserFacingError(.unprocessableEntity, "« valeur » : \(indicator.code) lit plusieurs mesures ; donnez un objet {\"mesure\": \"valeur\"}.")
                }
                values = [measure: single]
            }
            guard !values.isEmpty else { throw UserFacingError(.unprocessableEntity, "« valeur » est obligatoire pour une revue « corrigee ».") }
            for (measure, text) in values {
                guard allowed.contains(measure), let type = catalogue?.measure(measure)?.type else {
                    throw UserFacingError(.unprocessableEntity, "« valeur » : mesure « \(measure.prefix(40)) » inconnue du catalogue \(indicator.catalogue).")
                }
                if let error = Self.checkValue(text.trimmingCharacters(in: .whitespaces), type: type) {
                    throw UserFacingError(.unprocessableEntity, "« valeur » de \(measure) : \(error).")
                }
                corrected[measure] = text.trimmingCharacters(in: .whitespaces)
            }
        }
        let record = AssessmentReview()
        record.id = UUID()
        record.assessmentID = try assessment.requireID()
        record.indicator = indicator.code
        record.decision = decision.rawValue
        record.value = corrected.isEmpty ? nil : try JSONText.encode(corrected)
        record.reason = reason
        record.submission = assessment.submissions
        record.actorID = actor.userID
        record.actor = actor.label
        record.actorRole = actor.role?.rawValue
        record.createdAt = now
        try await db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.revue", target: "auto-évaluation \(try assessment.requireID().uuidString.lowercased())",
                                      details: "\(assessment.holderFINESS) \(indicator.code) : \(decision.description)" + (reason.isEmpty ? "" : " — \(reason.prefix(200))"), at: now)
            if decision == .sentBack {
                try await EvaluationNotifications.sentBack(assessment, indicator: indicator.code, reason: reason,
                                                           siteURL: app.caqesSettings.publicURL, at: now, on: db)
            }
        }
        return record
    }

    /// The control draw: `size` declared (holder, indicator) pairs of the campaign, seeded.
    func drawSample(_ campaign: EvaluationCampaign, size: Int, seed: UInt64?) async throws -> ControlDraw {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector else { throw UserFacingError(.forbidden, "Le tirage de contrôle est fait par l'ARS.") }
        guard (1...1_000).contains(size) else { throw UserFacingError(.unprocessableEntity, "« taille » : de 1 à 1 000.") }
        var candidates: [String: (UUID, String, String)] = [:]
        for assessment in try await assessments(of: campaign) where assessment.submissions > 0 {
            let content = (try? JSONText.decode(AssessmentContent.self, from: assessment.submittedContent ?? "")) ?? AssessmentContent()
            for (code, entry) in content.indicateurs where !entry.valeurs.isEmpty {
                candidates["\(assessment.holderFINESS)|\(code)"] = (try assessment.requireID(), assessment.holderName, code)
            }
        }
        let chosenSeed = seed ?? UInt64.random(in: 1...UInt64(Int64.max))
        let drawn = ControlSample.draw(Array(candidates.keys), count: size, seed: chosenSeed)
        let draw = ControlDraw(graine: String(chosenSeed), taille: size, population: candidates.count, date: today.iso, auteur: actor.label,
                               tirage: drawn.compactMap { key in
                                   candidates[key].map { ControlDraw.Item(autoevaluation: $0.0, titulaire: String(key.prefix(9)), nom: $0.1, indicateur: $0.2) }
                               })
        let id = try campaign.requireID()
        let text = try JSONText.encode(draw)
        let population = candidates.count
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.update("evaluation_campaigns").set("sample", to: SQLBind(text)).where("id", .equal, SQLBind(id)).run()
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.tirage", target: "campagne d'évaluation \(id.uuidString.lowercased())",
                                      details: "tirage de contrôle : \(drawn.count) valeur(s) sur \(population), graine \(chosenSeed)", at: now)
        }
        return draw
    }
}

/// A recorded control draw: the seed reproduces it (`ControlSample`).
struct ControlDraw: Codable, Sendable, Content {
    struct Item: Codable, Sendable { var autoevaluation: UUID; var titulaire: String; var nom: String; var indicateur: String }
    var graine: String
    var taille: Int
    var population: Int
    var date: String
    var auteur: String
    var tirage: [Item]
}
