import CAQESCore
import CAQESDocuments
import Fluent
import SQLKit
import Vapor

/// The DG ARS decisions on a self-assessment and the two contradictory periods (DOMAIN B.5.2,
/// D18, D19, D21), with the contract procedure's machinery: every act is an event in the
/// evaluation's append-only log (D20), the state is folded from it, documents are sealed and
/// stored by SHA-256, expiry is a database job, and the next party hears of it by e-mail.
struct EvaluationDecisions {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    static let settings = ProcedureSettings()
    static let expiryKind = "evaluation_expiration"

    var today: LocalDate { LegalClock.today(now) }

    func events(_ assessment: SelfAssessment) async throws -> [EvaluationEventRecord] {
        try await EvaluationEventRecord.query(on: db).filter(\.$assessmentID == assessment.requireID()).sort(\.$seq).all()
    }

    static func fold(_ events: [EvaluationEventRecord]) throws -> EvaluationProcedure {
        var procedure = EvaluationProcedure()
        for record in events {
            let entry = try JSONText.decode(ProcedureEntry<EvaluationProcedure.Event>.self, from: record.entry)
            procedure = try EvaluationProcedure.transition(from: procedure, event: entry.event, now: entry.legalDate, settings: settings)
        }
        return procedure
    }

    /// In the order they were taken: by round, and within a round the corrective decision that
    /// opened it, then the first, second and final decisions (never two at once, whatever the clock).
    func decisions(_ assessment: SelfAssessment) async throws -> [EvaluationDecision] {
        let order = Dictionary(uniqueKeysWithValues: [DecisionStep.corrective, .first, .second, .final].enumerated().map { ($1.rawValue, $0) })
        return try await EvaluationDecision.query(on: db).filter(\.$assessmentID == assessment.requireID()).all()
            .sorted { ($0.round, order[$0.step] ?? 9) < ($1.round, order[$1.step] ?? 9) }
    }

    /// A decision, scoped like its self-assessment.
    func find(_ id: UUID) async throws -> (EvaluationDecision, SelfAssessment) {
        guard let decision = try await EvaluationDecision.find(id, on: db) else { throw UserFacingError.notFound() }
        let assessment = try await EvaluationService(db: db, app: app, actor: actor, now: now).findAssessment(decision.assessmentID)
        return (decision, assessment)
    }

    /// Appends one event (already checked) and updates the projection; in the caller's transaction.
    @discardableResult
    func append(_ event: EvaluationProcedure.Event, act: String, to assessment: SelfAssessment, decision: UUID?,
                details: ContractActDetails, document: String?) async throws -> (EvaluationEventRecord, EvaluationProcedure) {
        let id = try assessment.requireID()
        let events = try await events(assessment)
        let procedure = try Self.fold(events)
        let next: EvaluationProcedure
        do {
            next = try EvaluationProcedure.transition(from: procedure, event: event, now: today, settings: Self.settings)
        } catch {
            throw Self.refusal(error, procedure: procedure)
        }
        let record = EvaluationEventRecord()
        record.id = UUID()
        record.assessmentID = id
        record.decisionID = decision
        record.seq = (events.last?.seq ?? 0) + 1
        record.act = act
        record.entry = try JSONText.encode(ProcedureEntry(event: event, actor: actor.procedureActor, documentSHA256: document,
                                                          legalDate: today, recordedAt: now))
        record.details = try JSONText.encode(details)
        record.actorID = actor.userID
        record.actor = actor.label
        record.actorRole = actor.role?.rawValue
        record.legalDate = today.iso
        record.recordedAt = now
        record.documentSHA256 = document
        do {
            try await record.create(on: db)
        } catch {
            throw UserFacingError(.conflict, "Un autre acte vient d'être enregistré sur cette évaluation : rechargez-la et recommencez.")
        }
        let sql = db as! any SQLDatabase
        try await sql.update("self_assessments")
            .set("state", to: SQLBind(next.state.code))
            .set("deadline", to: SQLBind(next.currentPeriod?.deadline.lastDay.iso))
            .set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(id)).run()
        if let period = next.currentPeriod, period.deadline != procedure.currentPeriod?.deadline || next.state != procedure.state {
            let runAt = period.deadline.endInstant(timeZone: LegalClock.paris).addingTimeInterval(1)
            _ = try await JobQueue.enqueue(kind: Self.expiryKind, payload: ExpiryPayload(autoevaluation: id, echeance: period.deadline.lastDay.iso),
                                           actor: AuditActor(id: nil, label: "plateforme"), fileSHA256: nil, runAt: runAt, at: now, on: db)
            try await EvaluationNotifications.periodReminders(assessment, procedure: next, siteURL: app.caqesSettings.publicURL, at: now, on: db)
        }
        return (record, next)
    }

    struct ExpiryPayload: Codable, Sendable { var autoevaluation: UUID; var echeance: String }

    /// The expiry job: ends the running period if it is still the one scheduled and is over.
    static func runExpiry(_ job: Job, app: Application) async throws -> String {
        let payload = try JSONText.decode(ExpiryPayload.self, from: job.payload)
        let now = app.clock.now()
        return try await app.db.transaction { db in
            let decisions = EvaluationDecisions(db: db, app: app, actor: .platform, now: now)
            guard let assessment = try await SelfAssessment.find(payload.autoevaluation, on: db) else { return "Évaluation introuvable : rien à faire." }
            let procedure = try fold(try await decisions.events(assessment))
            guard let period = procedure.currentPeriod else { return "Sans objet : l'évaluation est « \(procedure.state.description) »." }
            guard period.deadline.lastDay.iso == payload.echeance else { return "Sans objet : l'échéance a changé (\(period.deadline.lastDay))." }
            guard period.deadline.hasExpired(at: now, timeZone: LegalClock.paris) else {
                return "Pas encore échu : le délai court jusqu'au \(period.deadline.lastDay) inclus."
            }
            guard !period.isHearingPending else { return "Sans objet : une audition demandée reste à tenir (D18)." }
            let decision = try await decisions.decisions(assessment).last?.id
            try await decisions.append(.expire, act: EvaluationAct.expiry.rawValue, to: assessment, decision: decision,
                                       details: ContractActDetails(), document: nil)
            return "Période contradictoire expirée le \(period.deadline.lastDay) à 23:59:59."
        }
    }

    static func refusal(_ error: any Error, procedure: EvaluationProcedure) -> any Error {
        guard let error = error as? ProcedureError else { return error }
        let conflict: Bool = switch error {
        case .eventNotAllowed, .deadlineNotReached, .tooLate, .hearingPending, .hearingAlreadyRecorded: true
        default: false
        }
        var message = error.description
        message = message.prefix(1).uppercased() + message.dropFirst() + "."
        if case .eventNotAllowed = error, let deadline = procedure.currentPeriod?.deadline {
            message += " Échéance en cours : \(deadline.lastDay)."
        }
        return UserFacingError(conflict ? .conflict : .unprocessableEntity, message)
    }

    /// Seals the self-assessment report of the last submission and keeps it with the form.
    /// `note`: what the report must say first (the entry closed by the ARS without a submission).
    func sealReport(_ assessment: SelfAssessment, note: String? = nil) async throws -> String {
        let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db)
        let reviews = try await AssessmentReview.query(on: db).filter(\.$assessmentID == assessment.requireID()).all()
        let content = EvaluationDocumentBuilder(assessment: assessment, year: campaign?.year ?? 0, catalogues: try app.catalogues(),
                                                siteURL: app.caqesSettings.publicURL, today: today)
            .report(version: assessment.submissions, reviews: reviews, note: note)
        return try await store(content, assessment: assessment, type: "rapport_autoevaluation", decision: nil, version: assessment.submissions)
    }

    private func store(_ content: DocumentContent, assessment: SelfAssessment, type: String, decision: UUID?, version: Int) async throws -> String {
        let bytes = try DocumentSeal.seal(content, app: app, at: now)
        let sha = try await IncomingFile.store(bytes, in: app.fileStore, db: db, at: now)
        let document = EvaluationDocument()
        document.id = UUID()
        document.assessmentID = try assessment.requireID()
        document.decisionID = decision
        document.type = type
        document.version = version
        document.sha256 = sha
        document.createdAt = now
        try await document.create(on: db)
        return sha
    }

    // MARK: Decisions

    /// What the director decides: the step, and for a corrective decision its ground and reason.
    struct IssueRequest: Sendable {
        var step: String
        var ground: String? = nil
        var reason: String? = nil
    }

    /// Issues the next decision: the director only, in the state the step needs, every
    /// observation of the previous period answered (D21), on the latest results; the motivated
    /// PDF is sealed and the establishment notified. A corrective decision withdraws the final
    /// decision (CRPA L242-1 to L242-4) and starts the next round.
    func issue(_ assessmentID: UUID, _ request: IssueRequest) async throws -> EvaluationDecision {
        let assessment = try await EvaluationService(db: db, app: app, actor: actor, now: now).findAssessment(assessmentID)
        guard actor.role == .arsDirector else {
            throw UserFacingError(.forbidden, "Les décisions sont prises par le directeur général de l'ARS (rôle direction).")
        }
        guard let step = DecisionStep.parse(request.step) else {
            throw UserFacingError(.unprocessableEntity, "« etape » : « \(request.step.prefix(30)) » inconnue (attendu : decision_1, decision_2, decision_finale ou decision_corrective).")
        }
        if step != .corrective, request.ground != nil || request.reason != nil {
            throw UserFacingError(.unprocessableEntity, "« fondement » et « motif » ne s'emploient qu'avec une décision corrective (etape : decision_corrective).")
        }
        var ground: CorrectionGround?, reason: String?
        if step == .corrective { (ground, reason) = try Self.correctionInput(request) }
        let events = try await events(assessment)
        let procedure = try Self.fold(events)
        guard step.issuedFrom.contains(procedure.state) else {
            let expected = DecisionStep.next(for: procedure).map { " (étape attendue : \($0.rawValue))" } ?? ""
            throw UserFacingError(.conflict, "L'évaluation est « \(procedure.state.description) » : la \(step.description) n'est pas possible maintenant\(expected).")
        }
        let earlier = try await decisions(assessment)
        let round = (earlier.map(\.round).max() ?? 1) + (step == .corrective ? 1 : 0)
        // The round's corrective decision and the final decision it withdrew, past round 1.
        let corrective = step == .corrective ? nil : earlier.last { $0.step == DecisionStep.corrective.rawValue && $0.round == round }
        let withdrawn = earlier.last { $0.step == DecisionStep.final.rawValue && $0.round < round }
        if let ground, step == .corrective {
            guard let withdrawn else { throw UserFacingError(.conflict, "Aucune décision définitive à corriger.") }
            do { try ground.check(decidedOn: LegalClock.today(withdrawn.createdAt), today: today) } catch {
                throw UserFacingError(.conflict, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
        } else if let corrective {
            ground = corrective.ground.flatMap(CorrectionGround.init(rawValue:))
            reason = corrective.reason
        }
        let reviews = try await AssessmentReview.query(on: db).filter(\.$assessmentID == assessment.requireID()).all()
        let statuses = EvaluationService.statuses(assessment, reviews: reviews)
        if step == .first {
            let open = statuses.filter { $0.value != .accepted }.map(\.key).sorted()
            guard open.isEmpty else {
                throw UserFacingError(.conflict, "Indicateur(s) non encore acceptés ou corrigés en revue : \(open.joined(separator: ", ")). La première décision porte sur des résultats revus.")
            }
        }
        let unanswered = Self.unanswered(events)
        guard unanswered.isEmpty else {
            throw UserFacingError(.conflict, "\(unanswered.count) observation(s) sans réponse de l'ARS : la décision doit répondre à chacune (D21). Enregistrez d'abord l'acte « reponse ».")
        }
        // The FIR share depends on every holder's results (D12): the first decision states the
        // national incentive and the targets met; the share comes with the second, once every
        // self-assessment of the campaign has had its first decision.
        guard let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db) else { throw UserFacingError.notFound() }
        if step != .first, !campaign.isGrid {
            let pending = try await SelfAssessment.query(on: db).filter(\.$campaignID == assessment.campaignID)
                .filter(\.$state ~~ [EvaluationProcedure.State.open.code, EvaluationProcedure.State.selfAssessment.code, EvaluationProcedure.State.analysis.code])
                .all()
            guard pending.isEmpty else {
                throw UserFacingError(.conflict, "La part de l'enveloppe FIR dépend des résultats de tous les établissements : \(pending.count) auto-évaluation(s) de la campagne attendent encore leur première décision (\(pending.prefix(5).map(\.holderName).joined(separator: ", "))).")
            }
        }
        let results = EvaluationResults(db: db, app: app, actor: actor, now: now)
        let decision = EvaluationDecision()
        decision.id = UUID()
        decision.assessmentID = try assessment.requireID()
        decision.step = step.rawValue
        decision.round = round
        decision.ground = ground?.rawValue
        decision.reason = reason
        decision.createdAt = now
        var lines: [EvaluationResultRecord]
        if step == .corrective, let withdrawn {
            // The corrective decision states the amounts it withdraws, as they were decided.
            decision.resultVersion = withdrawn.resultVersion
            lines = try await results.decidedLines(withdrawn, holder: assessment.holderFINESS, campaign: campaign)
            let status = try await PaymentRecord.query(on: db).filter(\.$campaignID == campaign.requireID())
                .filter(\.$holderFINESS == assessment.holderFINESS).first()?.status
            let previous = earlier.last { $0.step == DecisionStep.corrective.rawValue }
            decision.settledDecisionID = PaymentRecord.settled.contains(status ?? "") ? withdrawn.id : previous?.settledDecisionID
            decision.firCap = withdrawn.firCap
        } else {
            let run = try await results.current(campaign)
            decision.resultVersion = run.version
            decision.settledDecisionID = corrective?.settledDecisionID
            lines = try await results.decidedLines(decision, holder: assessment.holderFINESS, campaign: campaign)
            if round > 1, let fir = lines.first(where: { $0.kind == "fir" }) {
                // A corrected share never takes the envelope past its total (D12).
                let others = try await results.decidedFIR(campaign, except: assessment.holderFINESS)
                let share = RegionalEnvelope.correctedShare(recomputed: Decimal(stored: fir.amount) ?? 0,
                                                            envelope: Decimal(stored: campaign.envelope) ?? 0, decidedForOthers: others)
                if share.capped {
                    decision.firCap = APIAmount.text(share.amount)
                    EvaluationResults.cap(fir, to: decision.firCap!)
                }
            }
        }
        let total = lines.reduce(Decimal(0)) { $0 + (Decimal(stored: $1.amount) ?? 0) }
        decision.totalAmount = APIAmount.text(total)
        if step != .corrective, let ground, let withdrawn {
            do { try ground.check(corrected: total, withdrawn: Decimal(stored: withdrawn.totalAmount) ?? 0, stake: campaign.isGrid ? .sanction : .incentive) } catch {
                throw UserFacingError(.conflict, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
        }
        try await db.transaction { [ground, reason, lines] db in
            let inner = EvaluationDecisions(db: db, app: app, actor: actor, now: now)
            if try await EvaluationDecision.query(on: db).filter(\.$assessmentID == decision.assessmentID).filter(\.$step == step.rawValue)
                .filter(\.$round == round).first() != nil {
                throw UserFacingError(.conflict, "La \(step.description) existe déjà.")
            }
            try await decision.create(on: db)
            var correction: EvaluationDocumentBuilder.Correction?
            if let ground, let reason, let withdrawn, let withdrawnID = withdrawn.id {
                let document = try await EvaluationDocument.query(on: db).filter(\.$decisionID == withdrawnID).filter(\.$type == withdrawn.step).first()
                correction = .init(ground: ground, reason: reason, withdrawnOn: LegalClock.today(withdrawn.createdAt), withdrawnSHA: document?.sha256 ?? "—",
                                   withdrawnTotal: Decimal(stored: withdrawn.totalAmount) ?? 0, settled: decision.settledDecisionID != nil)
            }
            let builder = EvaluationDocumentBuilder(assessment: assessment, year: campaign.year, catalogues: try app.catalogues(),
                                                    siteURL: app.caqesSettings.publicURL, today: today)
            let content = builder.decision(step, round: round, correction: correction, lines: lines, total: total, resultVersion: decision.resultVersion,
                                           events: events, reviews: reviews)
            let sha = try await inner.store(content, assessment: assessment, type: step.rawValue, decision: decision.id, version: round)
            let (_, next) = try await inner.append(step.event, act: step.rawValue, to: assessment, decision: decision.id,
                                                   details: ContractActDetails(texte: reason), document: sha)
            if step == .final, decision.settledDecisionID != nil,
               let payment = try await PaymentRecord.query(on: db).filter(\.$campaignID == campaign.requireID()).filter(\.$holderFINESS == assessment.holderFINESS).first() {
                // The difference from what was paid is a new payment (or a recovery) to order.
                payment.status = "a_ordonnancer"
                payment.updatedBy = actor.label
                payment.updatedAt = now
                try await payment.save(on: db)
            }
            try await EvaluationNotifications.decision(assessment, step: step, procedure: next, documentSHA: sha, reason: reason,
                                                       siteURL: app.caqesSettings.publicURL, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.\(step.rawValue)", target: "auto-évaluation \(decision.assessmentID.uuidString.lowercased())",
                                      details: "\(assessment.holderFINESS) : \(step.description)\(round > 1 ? " (tour \(round))" : ""), \(FrenchNumberFormat.euros(total)), résultats v\(decision.resultVersion), document \(sha.prefix(16))…"
                                        + (reason.map { ", motif : \($0.prefix(200))" } ?? ""), at: now)
        }
        return decision
    }

    /// A corrective decision's ground and reason as the director gives them: the reason in their
    /// own words, a known ground (its time limit is checked against the decision it withdraws).
    static func correctionInput(_ request: IssueRequest) throws -> (CorrectionGround, String) {
        let reason = (request.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "« motif » est obligatoire pour une décision corrective : dites ce qui est corrigé et pourquoi.")
        }
        guard reason.count <= 5_000 else { throw UserFacingError(.unprocessableEntity, "« motif » : 5 000 caractères au plus.") }
        guard let text = request.ground, let ground = CorrectionGround(rawValue: text) else {
            throw UserFacingError(.unprocessableEntity, "« fondement » : \(request.ground.map { "« \($0.prefix(30)) » inconnu" } ?? "obligatoire") (attendu : illegalite — décision illégale, dans les quatre mois — ou demande_beneficiaire — à la demande de l'établissement, pour une décision plus favorable).")
        }
        return (ground, reason)
    }

    /// Observations and hearing requests that no `reponse` answers yet.
    static func unanswered(_ events: [EvaluationEventRecord]) -> [EvaluationEventRecord] {
        let answered = Set(events.filter { $0.act == EvaluationAct.answer.rawValue }
            .compactMap { (try? JSONText.decode(ContractActDetails.self, from: $0.details))?.observation })
        return events.filter {
            ($0.act == EvaluationAct.observations.rawValue || $0.act == EvaluationAct.hearingRequest.rawValue) && !answered.contains($0.id ?? UUID())
        }
    }

    /// One act on a decision (receipt, observations, hearing request, answer, hearing).
    func act(on decisionID: UUID, _ request: ContractService.ActRequest) async throws -> (EvaluationDecision, SelfAssessment) {
        let (decision, assessment) = try await find(decisionID)
        let act: EvaluationAct
        do { act = try EvaluationAct.parse(request.type) } catch { throw UserFacingError(.unprocessableEntity, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".") }
        guard let role = actor.role, act.roles.contains(role) else {
            throw UserFacingError(.forbidden, EvaluationActError.roleNotAllowed(act: act.rawValue, role: actor.role?.label ?? "plateforme").description + ".")
        }
        let texte = request.texte?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let texte, texte.count > 20_000 { throw UserFacingError(.unprocessableEntity, "« texte » : 20 000 caractères au plus.") }
        if act == .observations || act == .answer, (texte ?? "").isEmpty {
            throw UserFacingError(.unprocessableEntity, "« texte » est obligatoire pour l'acte « \(act.rawValue) ».")
        }
        let date = try APIDate.parse(request.date, field: "date")
        let newLastDay = try APIDate.parse(request.newLastDay, field: "nouvelle_echeance")
        let latest = try await decisions(assessment).last
        guard latest?.id == decision.id else {
            throw UserFacingError(.conflict, "Cette décision a été suivie d'une autre (\(latest.flatMap { DecisionStep(rawValue: $0.step) }?.description ?? "")) : agissez sur la dernière.")
        }
        try await db.transaction { db in
            let inner = EvaluationDecisions(db: db, app: app, actor: actor, now: now)
            let events = try await inner.events(assessment)
            let procedure = try Self.fold(events)
            if act == .answer {
                guard let observation = request.observation,
                      events.contains(where: { $0.id == observation && ($0.act == EvaluationAct.observations.rawValue || $0.act == EvaluationAct.hearingRequest.rawValue) }) else {
                    throw UserFacingError(.unprocessableEntity, "« observation » : indiquez l'identifiant d'un événement « observations » ou « demande_audition » de cette évaluation.")
                }
                if !Self.unanswered(events).contains(where: { $0.id == observation }) {
                    throw UserFacingError(.conflict, "Cette observation a déjà sa réponse.")
                }
            }
            let event: EvaluationProcedure.Event
            do {
                event = try act.event(for: role, date: date, newLastDay: newLastDay, procedure: procedure, today: today)
            } catch let error as EvaluationActError {
                throw UserFacingError(.unprocessableEntity, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
            let details = ContractActDetails(texte: texte?.isEmpty == false ? texte : nil, observation: request.observation,
                                             fichier: request.file, adresse: actor.address, date: date?.iso)
            let documents = try await EvaluationDocument.query(on: db).filter(\.$decisionID == decisionID).filter(\.$type == decision.step).first()
            let (_, next) = try await inner.append(event, act: act.rawValue, to: assessment, decision: decisionID, details: details,
                                                   document: documents?.sha256)
            if let file = request.file {
                let piece = EvaluationDocument()
                piece.id = UUID()
                piece.assessmentID = try assessment.requireID()
                piece.decisionID = decisionID
                piece.type = "piece_\(act.rawValue)"
                piece.version = 1
                piece.sha256 = file
                piece.createdAt = now
                try await piece.create(on: db)
            }
            if act == .observations || act == .hearingRequest {
                try await EvaluationNotifications.observations(assessment, act: act, procedure: next, siteURL: app.caqesSettings.publicURL, at: now, on: db)
            }
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.\(act.rawValue)", target: "décision \(decisionID.uuidString.lowercased())",
                                      details: "\(assessment.holderFINESS) : \(act.description), état « \(next.state.description) »", at: now)
        }
        return try await find(decisionID)
    }
}
