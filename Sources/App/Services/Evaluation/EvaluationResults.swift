import CAQESCore
import CAQESReports
import Crypto
import Fluent
import SQLKit
import Vapor

/// A campaign's results through CAQESCore: the national incentive per indicator (D2, D3, D7,
/// `NationalIncentive`, as `caqes incentive`), regional targets met or not (D11, `TargetAchievements`,
/// as `caqes evaluate`), informative indicators shown and never paid (D8), and the FIR envelope
/// shared per D12 (`RegionalEnvelope`). Inputs are the stored measures with the submitted
/// declarations and the reviewers' corrections laid over them (`MeasureRepository.measureSet`).
/// A new version is computed and stored when the inputs changed (`inputs`, `current`).
struct EvaluationResults {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    /// One computed line, before storage.
    typealias Line = CampaignResultLine

    struct Inputs: Codable, Sendable, Equatable {
        var catalogues: [String: Int]
        var imports: [String]
        var autoevaluations: [String: Int]
        var revues: Int
    }

    /// The values laid over the stored measures: each submitted declaration, replaced by the
    /// latest correction of a reviewer (source named in the explanation).
    static func overlay(_ assessments: [SelfAssessment], reviews: [AssessmentReview], year: Int) -> [SubjectValue] {
        var values: [String: SubjectValue] = [:]
        func add(_ holder: String, _ measure: String, _ text: String, source: String) {
            let value: FormulaValue?
            if text.count == 1, let letter = text.uppercased().first, ("A"..."D").contains(letter) {
                value = .grade(letter)
            } else if let number = EvaluationService.number(text) {
                value = .number(number)
            } else {
                return
            }
            values["\(holder)|\(measure)"] = SubjectValue(subject: holder, measure: measure, year: year, value: value, source: source)
        }
        let byID = Dictionary(uniqueKeysWithValues: assessments.compactMap { a in a.id.map { ($0, a) } })
        for assessment in assessments where assessment.submissions > 0 {
            let content = (try? JSONText.decode(AssessmentContent.self, from: assessment.submittedContent ?? "")) ?? AssessmentContent()
            for (_, entry) in content.indicateurs.sorted(by: { $0.key < $1.key }) {
                for (measure, text) in entry.valeurs.sorted(by: { $0.key < $1.key }) {
                    add(assessment.holderFINESS, measure, text, source: "auto-évaluation \(assessment.holderFINESS), version \(assessment.submissions)")
                }
            }
        }
        for review in reviews.sorted(by: { $0.createdAt < $1.createdAt }) where review.decision == ReviewDecision.corrected.rawValue {
            guard let assessment = byID[review.assessmentID], let text = review.value,
                  let corrected = try? JSONText.decode([String: String].self, from: text) else { continue }
            for (measure, value) in corrected.sorted(by: { $0.key < $1.key }) {
                add(assessment.holderFINESS, measure, value, source: "correction de \(review.actor) le \(LegalClock.today(review.createdAt)) : \(review.reason)")
            }
        }
        return values.values.sorted { ($0.subject, $0.measure) < ($1.subject, $1.measure) }
    }

    /// What the results depend on: the catalogue versions, the finished imports (measures and
    /// registry), each holder's submissions and the number of reviews (append-only). Cheap to
    /// read: the results are recomputed only when it changes.
    func inputs(_ campaign: EvaluationCampaign, assessments: [SelfAssessment], reviews: Int) async throws -> Inputs {
        let imports = try await ImportRun.query(on: db).filter(\.$status == ImportStatus.done.rawValue).all()
            .compactMap { $0.id?.uuidString.lowercased() }
        var catalogues: [String: Int] = [:]
        for id in campaign.catalogueIDs { catalogues[id] = try app.catalogues()[id]?.version }
        if let grid = campaign.gridID { catalogues[grid] = 0 }
        return Inputs(catalogues: catalogues, imports: imports.sorted(),
                      autoevaluations: Dictionary(assessments.map { ($0.holderFINESS, $0.submissions) }, uniquingKeysWith: { a, _ in a }),
                      revues: reviews)
    }

    /// Computes every line of the campaign, for every self-assessment (not only the visible ones).
    func compute(_ campaign: EvaluationCampaign, assessments: [SelfAssessment], reviews: [AssessmentReview]) async throws -> [Line] {
        let overlay = Self.overlay(assessments, reviews: reviews, year: campaign.year)
        return try await lines(of: campaign, assessments: assessments, overlay: overlay, shareEnvelope: true)
    }

    /// The establishment's own simulation (never stored): the declared values of `content` (its
    /// draft by default) laid over the stored measures, national incentive and regional targets;
    /// the FIR share depends on every holder's results and is left out.
    func simulate(_ assessment: SelfAssessment, campaign: EvaluationCampaign, content: String? = nil) async throws -> [Line] {
        let draft = SelfAssessment()
        draft.id = assessment.id
        draft.holderFINESS = assessment.holderFINESS
        draft.submissions = 1
        draft.submittedContent = content ?? assessment.content
        let overlay = Self.overlay([draft], reviews: [], year: campaign.year)
        return try await lines(of: campaign, assessments: [assessment], overlay: overlay, shareEnvelope: false)
    }

    /// Every line for these self-assessments, with `overlay` laid over the stored measures: the
    /// measure sets are read here, the computation is CAQESCore's (`CampaignResults`).
    func lines(of campaign: EvaluationCampaign, assessments: [SelfAssessment], overlay: [SubjectValue], shareEnvelope: Bool) async throws -> [Line] {
        if campaign.isGrid { return try await gridLines(of: campaign, assessments: assessments, draft: !shareEnvelope) }
        let registry = try app.catalogues()
        let contractIDs = assessments.compactMap(\.contractID)
        let starts = Dictionary(try await Contract.query(on: db).filter(\.$id ~~ contractIDs).all().compactMap { c in c.id.map { ($0, c.startsOn) } },
                                uniquingKeysWith: { a, _ in a })
        let holders = assessments.map { assessment in
            CampaignHolder(subject: assessment.holderFINESS, name: assessment.holderName,
                           contractStartYear: assessment.contractID.flatMap { starts[$0] }.flatMap { try? LocalDate($0) }?.year,
                           indicators: assessment.contractIndicators.map {
                               CampaignHolder.Indicator(code: $0.code, catalogue: $0.catalogue, regional: $0.regional,
                                                        rate: $0.taux.flatMap { Decimal(stored: $0) })
                           })
        }
        var catalogues: [String: CatalogueVersion] = [:], measures: [String: MeasureSet] = [:]
        for id in Set(holders.flatMap { $0.indicators.map(\.catalogue) }) {
            guard let catalogue = registry[id], (catalogue.validFrom...catalogue.validTo).contains(campaign.year) else { continue }
            catalogues[id] = catalogue
            measures[id] = try await MeasureRepository(db: db).measureSet(for: catalogue, overlay: overlay)
        }
        let sharing: EnvelopeSharing = campaign.sharing == "montant_fixe"
            ? .fixedPerIndicator(Decimal(stored: campaign.amountPerIndicator ?? "0") ?? 0)
            : .proportional
        do {
            return try CampaignResults.compute(year: campaign.year, holders: holders, catalogues: catalogues, measures: measures,
                                               envelope: shareEnvelope ? Decimal(stored: campaign.envelope) : nil,
                                               sharing: sharing)
        } catch {
            throw UserFacingError(.unprocessableEntity, "Calcul des résultats impossible : \(error.description).")
        }
    }

    /// A 2018-grid campaign: each submitted grid (or the draft, for the simulation) with the
    /// reviewers' corrections laid over it, scored and sanctioned by CAQESCore.
    func gridLines(of campaign: EvaluationCampaign, assessments: [SelfAssessment], draft: Bool) async throws -> [Line] {
        guard let grid = try EvaluationService.grid(of: campaign, app: app) else { return [] }
        let target = Decimal(stored: campaign.gridTarget ?? "") ?? 0
        let ids = assessments.compactMap(\.id)
        let reviews = ids.isEmpty ? [] : try await AssessmentReview.query(on: db).filter(\.$assessmentID ~~ ids).sort(\.$createdAt).all()
        let holders = assessments.map { assessment -> GridCampaignHolder in
            let text = draft ? assessment.content : (assessment.submissions > 0 ? assessment.submittedContent : nil)
            var answers: [String: GridAnswer]?
            if let text, var texts = (try? JSONText.decode(AssessmentContent.self, from: text))?.grille {
                for review in reviews where review.assessmentID == assessment.id && review.decision == ReviewDecision.corrected.rawValue {
                    let corrected = review.value.flatMap { try? JSONText.decode([String: String].self, from: $0) } ?? [:]
                    for item in corrected { texts[item.key] = item.value }
                }
                answers = EvaluationService.gridAnswers(texts, grid: grid, sectors: EvaluationService.sectors(assessment)).answers
            }
            return GridCampaignHolder(subject: assessment.holderFINESS, name: assessment.holderName, sectors: EvaluationService.sectors(assessment),
                                      answers: answers, previousPercentage: assessment.previousScore.flatMap { Decimal(stored: $0) },
                                      insuranceProducts: Decimal(stored: assessment.amProducts) ?? 0)
        }
        return CampaignResults.grid(grid, target: target, holders: holders)
    }

    static func fingerprint(_ lines: [Line], inputs: Inputs) throws -> String {
        var text = try JSONText.encode(inputs)
        for line in lines {
            text += "\n" + [line.holder, line.indicator, line.kind, line.value, line.target, line.savings.map(APIAmount.text) ?? "",
                            line.rate?.description ?? "", APIAmount.text(line.amount), line.achieved, line.explanation].joined(separator: "\u{1F}")
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The latest stored version; a new one is computed and stored only when the inputs changed
    /// (a submission, a review, a new import): reading results costs a few small queries, and
    /// the previous versions stay.
    func current(_ campaign: EvaluationCampaign) async throws -> EvaluationResultRun {
        let campaignID = try campaign.requireID()
        let assessments = try await SelfAssessment.query(on: db).filter(\.$campaignID == campaignID).sort(\.$holderName).all()
        let ids = assessments.compactMap(\.id)
        let reviews = ids.isEmpty ? [] : try await AssessmentReview.query(on: db).filter(\.$assessmentID ~~ ids).all()
        let inputs = try await inputs(campaign, assessments: assessments, reviews: reviews.count)
        let latest = try await EvaluationResultRun.query(on: db).filter(\.$campaignID == campaignID).sort(\.$version, .descending).first()
        if let latest, (try? JSONText.decode(Inputs.self, from: latest.inputs)) == inputs { return latest }
        let lines = try await compute(campaign, assessments: assessments, reviews: reviews)
        let fingerprint = try Self.fingerprint(lines, inputs: inputs)
        let run = EvaluationResultRun()
        run.id = UUID()
        run.campaignID = campaignID
        run.version = (latest?.version ?? 0) + 1
        run.inputs = try JSONText.encode(inputs)
        run.fingerprint = fingerprint
        run.createdBy = actor.label
        run.createdAt = now
        do {
            try await db.transaction { db in
                try await run.create(on: db)
                for (index, line) in lines.enumerated() {
                    let record = EvaluationResultRecord()
                    record.campaignID = campaignID
                    record.version = run.version
                    record.seq = index
                    record.holderFINESS = line.holder
                    record.holderName = line.holderName
                    record.indicator = line.indicator
                    record.label = line.label
                    record.kind = line.kind
                    record.value = line.value
                    record.target = line.target
                    record.savings = line.savings.map(APIAmount.text)
                    record.rate = line.rate?.description
                    record.amount = APIAmount.text(line.amount)
                    record.achieved = line.achieved
                    record.explanation = line.explanation
                    try await record.create(on: db)
                }
                try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.resultats", target: "campagne d'évaluation \(campaignID.uuidString.lowercased())",
                                          details: "résultats version \(run.version) : \(lines.count) ligne(s)", at: now)
            }
        } catch {
            // Another request stored this version meanwhile: use it.
            if let stored = try await EvaluationResultRun.query(on: db).filter(\.$campaignID == campaignID).sort(\.$version, .descending).first() { return stored }
            throw error
        }
        return run
    }

    /// A stored version's lines, all of them or one holder's, or one kind's.
    func lines(_ campaign: EvaluationCampaign, version: Int, holder: String? = nil, kind: String? = nil) async throws -> [EvaluationResultRecord] {
        var query = EvaluationResultRecord.query(on: db).filter(\.$campaignID == (try campaign.requireID())).filter(\.$version == version)
        if let holder { query = query.filter(\.$holderFINESS == holder) }
        if let kind { query = query.filter(\.$kind == kind) }
        return try await query.sort(\.$seq).all()
    }

    func runs(_ campaign: EvaluationCampaign) async throws -> [EvaluationResultRun] {
        try await EvaluationResultRun.query(on: db).filter(\.$campaignID == campaign.requireID()).sort(\.$version).all()
    }

    /// What changed between two versions, per (holder, indicator): amount or achievement.
    static func differences(_ old: [EvaluationResultRecord], _ new: [EvaluationResultRecord]) -> [String] {
        let before = Dictionary(old.map { ("\($0.holderFINESS)|\($0.indicator)", $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [String] = []
        for line in new {
            let key = "\(line.holderFINESS)|\(line.indicator)"
            guard let previous = before[key] else { changes.append("\(line.holderFINESS) \(line.indicator) : nouvelle ligne"); continue }
            if previous.amount != line.amount {
                changes.append("\(line.holderFINESS) \(line.indicator) : montant \(Self.euros(previous.amount)) → \(Self.euros(line.amount))")
            }
            if previous.achieved != line.achieved { changes.append("\(line.holderFINESS) \(line.indicator) : atteint « \(previous.achieved) » → « \(line.achieved) »") }
            if previous.value != line.value {
                changes.append("\(line.holderFINESS) \(line.indicator) : valeur \(previous.value.isEmpty ? "—" : previous.value) → \(line.value.isEmpty ? "—" : line.value)")
            }
        }
        return changes
    }

    static func euros(_ text: String) -> String {
        Decimal(stored: text).map(FrenchNumberFormat.euros) ?? text
    }

    /// The results CSV (`;`, French decimals): the API's `resultats.csv` and `caqes campaigns results`.
    static func csv(_ lines: [EvaluationResultRecord]) -> [[String]] {
        var rows = [["finess", "titulaire", "indicateur", "libelle", "type", "valeur", "cible", "economie", "taux", "montant", "atteint", "explication"]]
        for line in lines {
            rows.append([line.holderFINESS, line.holderName, line.indicator, line.label, line.kind, line.value, line.target,
                         line.savings.map(Self.frenchDecimal) ?? "", line.rate.flatMap { Decimal(stored: $0) }.map(Money.percent) ?? "",
                         Self.frenchDecimal(line.amount), line.achieved, line.explanation])
        }
        return rows
    }

    /// `1234.50` → `1234,50` (CSV amounts stay ungrouped).
    static func frenchDecimal(_ text: String) -> String { text.replacingOccurrences(of: ".", with: ",") }

    // MARK: Payments

    /// One line per holder and paid indicator of the final decisions (FIR and AM), with the
    /// decision's references and SHA-256.
    /// The lines a decision states for its holder: its result version's, without the FIR share
    /// for a first decision, with the FIR share capped where a correction capped it (D12).
    func decidedLines(_ decision: EvaluationDecision, holder: String, campaign: EvaluationCampaign) async throws -> [EvaluationResultRecord] {
        let lines = try await lines(campaign, version: decision.resultVersion, holder: holder)
            .filter { decision.step != DecisionStep.first.rawValue || $0.kind != "fir" }
        if let cap = decision.firCap, let fir = lines.first(where: { $0.kind == "fir" }) { Self.cap(fir, to: cap) }
        return lines
    }

    static func cap(_ line: EvaluationResultRecord, to amount: String) {
        line.explanation += " ; plafonnée à \(euros(amount)), ce que l'enveloppe contenait encore après les parts décidées des autres établissements (D12)"
        line.amount = amount
    }

    /// The FIR shares the other holders' latest second or final decisions state: what a
    /// correction may not take back from them (D12).
    func decidedFIR(_ campaign: EvaluationCampaign, except holder: String) async throws -> Decimal {
        let others = try await SelfAssessment.query(on: db).filter(\.$campaignID == campaign.requireID()).filter(\.$holderFINESS != holder).all()
        let holders = Dictionary(others.compactMap { a in a.id.map { ($0, a.holderFINESS) } }, uniquingKeysWith: { a, _ in a })
        guard !holders.isEmpty else { return 0 }
        var latest: [UUID: EvaluationDecision] = [:]
        for decision in try await EvaluationDecision.query(on: db).filter(\.$assessmentID ~~ Array(holders.keys))
            .filter(\.$step ~~ [DecisionStep.second.rawValue, DecisionStep.final.rawValue]).all()
            .sorted(by: { ($0.round, $0.step == DecisionStep.final.rawValue ? 1 : 0) < ($1.round, $1.step == DecisionStep.final.rawValue ? 1 : 0) }) {
            latest[decision.assessmentID] = decision
        }
        var byVersion: [Int: [EvaluationResultRecord]] = [:], total = Decimal(0)
        for (assessmentID, decision) in latest {
            if let cap = decision.firCap { total += Decimal(stored: cap) ?? 0; continue }
            if byVersion[decision.resultVersion] == nil {
                byVersion[decision.resultVersion] = try await lines(campaign, version: decision.resultVersion, kind: "fir")
            }
            total += (byVersion[decision.resultVersion] ?? []).filter { $0.holderFINESS == holders[assessmentID] }
                .reduce(Decimal(0)) { $0 + (Decimal(stored: $1.amount) ?? 0) }
        }
        return total
    }

    /// The payment file's lines: per holder, its latest final decision's paid lines. A final
    /// decision a corrective decision withdrew is not paid: nothing is listed for the holder until
    /// the new final decision. After a corrective decision, when the withdrawn amounts were
    /// already ordered or paid, the lines are the differences (a negative one is to be recovered).
    func paymentLines(_ campaign: EvaluationCampaign, scope assessments: [SelfAssessment]) async throws -> [PaymentLine] {
        let ids = assessments.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let decided = try await EvaluationDecision.query(on: db).filter(\.$assessmentID ~~ ids)
            .filter(\.$step ~~ [DecisionStep.final.rawValue, DecisionStep.corrective.rawValue]).all()
        let finals = decided.filter { $0.step == DecisionStep.final.rawValue }
        let byID = Dictionary(uniqueKeysWithValues: assessments.compactMap { a in a.id.map { ($0, a) } })
        let lastRound = Dictionary(decided.map { ($0.assessmentID, $0.round) }, uniquingKeysWith: max)
        let latest = Dictionary(finals.map { ($0.assessmentID, $0) }, uniquingKeysWith: { $0.round >= $1.round ? $0 : $1 })
            .filter { $0.value.round == lastRound[$0.key] }
        let statuses = Dictionary(try await PaymentRecord.query(on: db).filter(\.$campaignID == campaign.requireID()).all()
            .map { ($0.holderFINESS, $0.status) }, uniquingKeysWith: { a, _ in a })
        let paid: Set<String> = ["national", "fir", "sanction"]
        var result: [PaymentLine] = []
        for decision in latest.values.sorted(by: { (byID[$0.assessmentID]?.holderName ?? "") < (byID[$1.assessmentID]?.holderName ?? "") }) {
            guard let assessment = byID[decision.assessmentID], let decisionID = decision.id else { continue }
            let document = try await EvaluationDocument.query(on: db).filter(\.$decisionID == decisionID).filter(\.$type == decision.step).first()
            let lines = try await decidedLines(decision, holder: assessment.holderFINESS, campaign: campaign).filter { paid.contains($0.kind) }
            var amounts = lines.map { (indicator: $0.indicator, label: $0.label, amount: Decimal(stored: $0.amount) ?? 0) }
            var regularises: String?
            if let settledID = decision.settledDecisionID, let settled = finals.first(where: { $0.id == settledID }) {
                regularises = LegalClock.today(settled.createdAt).iso
                let before = try await decidedLines(settled, holder: assessment.holderFINESS, campaign: campaign).filter { paid.contains($0.kind) }
                let was = Dictionary(before.map { ($0.indicator, Decimal(stored: $0.amount) ?? 0) }, uniquingKeysWith: +)
                let note = " — régularisation de la décision du \(LegalClock.today(settled.createdAt))"
                amounts = amounts.map { (indicator: $0.indicator, label: $0.label + note, amount: $0.amount - (was[$0.indicator] ?? 0)) }
                for old in before where !lines.contains(where: { $0.indicator == old.indicator }) {
                    amounts.append((indicator: old.indicator, label: old.label + note, amount: -(Decimal(stored: old.amount) ?? 0)))
                }
            }
            for line in amounts where line.amount != 0 {
                result.append(PaymentLine(holder: assessment.holderFINESS, holderName: assessment.holderName, indicator: line.indicator, label: line.label,
                                          amount: APIAmount.text(line.amount), decisionID: decisionID, decisionDate: LegalClock.today(decision.createdAt).iso,
                                          sha256: document?.sha256 ?? "", status: statuses[assessment.holderFINESS] ?? "a_ordonnancer",
                                          regularises: regularises))
            }
        }
        return result
    }

    static func paymentRows(_ lines: [PaymentLine]) -> [[String]] { PaymentFile.rows(lines) }

    /// Stored lines back as the core's lines (reports read them).
    static func coreLines(_ records: [EvaluationResultRecord]) -> [CampaignResultLine] {
        func decimal(_ text: String?) -> Decimal? { text.flatMap { Decimal(stored: $0) } }
        return records.map {
            CampaignResultLine(holder: $0.holderFINESS, holderName: $0.holderName, indicator: $0.indicator, label: $0.label, kind: $0.kind,
                               value: $0.value, target: $0.target, savings: decimal($0.savings), rate: decimal($0.rate),
                               amount: decimal($0.amount) ?? 0, achieved: $0.achieved, explanation: $0.explanation)
        }
    }

    /// The annual report of the lines the actor may see, at the latest version.
    func report(_ campaign: EvaluationCampaign, holders: Set<String>) async throws -> AnnualReport {
        let run = try await current(campaign)
        let lines = try await lines(campaign, version: run.version).filter { holders.contains($0.holderFINESS) }
        let sharing = campaign.sharing == "montant_fixe"
            ? "à montant fixe par indicateur atteint (\(Self.euros(campaign.amountPerIndicator ?? "0")))" : "au prorata des indicateurs régionaux atteints"
        return AnnualReport(region: campaign.regionCode, year: campaign.year,
                            envelope: Decimal(stored: campaign.envelope) ?? 0,
                            sharing: sharing, version: run.version, lines: Self.coreLines(lines))
    }

    /// Records where a holder's payment stands.
    func setPayment(_ campaign: EvaluationCampaign, holder: String, status: String) async throws {
        guard [.insurer, .arsAnalyst, .arsDirector].contains(actor.role) else {
            throw UserFacingError(.forbidden, "Le suivi des paiements est tenu par l'ARS ou l'Assurance Maladie.")
        }
        guard PaymentRecord.statuses.contains(status) else {
            throw UserFacingError(.unprocessableEntity, "« statut » : « \(status.prefix(20)) » inconnu (attendu : \(PaymentRecord.statuses.joined(separator: ", "))).")
        }
        let service = EvaluationService(db: db, app: app, actor: actor, now: now)
        let lines = try await paymentLines(campaign, scope: try await service.assessments(of: campaign))
        guard lines.contains(where: { $0.holder == holder }) else {
            throw UserFacingError(.unprocessableEntity, "« titulaire » : \(holder.prefix(20)) n'a pas de décision définitive à payer dans votre périmètre.")
        }
        let campaignID = try campaign.requireID()
        try await db.transaction { db in
            let record = try await PaymentRecord.query(on: db).filter(\.$campaignID == campaignID).filter(\.$holderFINESS == holder).first() ?? {
                let record = PaymentRecord()
                record.id = UUID()
                record.campaignID = campaignID
                record.holderFINESS = holder
                return record
            }()
            let previous = record.$status.value ?? "a_ordonnancer"
            record.status = status
            record.updatedBy = actor.label
            record.updatedAt = now
            try await record.save(on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.paiement", target: "campagne d'évaluation \(campaignID.uuidString.lowercased())",
                                      details: "\(holder) : \(previous) → \(status)", at: now)
        }
    }
}
