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

    func decisions(_ assessment: SelfAssessment) async throws -> [EvaluationDecision] {
        try await EvaluationDecision.query(on: db).filter(\.$assessmentID == assessment.requireID()).sort(\.$createdAt).all()
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
    func sealReport(_ assessment: SelfAssessment) async throws -> String {
        let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: db)
        let reviews = try await AssessmentReview.query(on: db).filter(\.$assessmentID == assessment.requireID()).all()
        let content = EvaluationDocumentBuilder(assessment: assessment, year: campaign?.year ?? 0, catalogues: try app.catalogues(),
                                                siteURL: app.caqesSettings.publicURL, today: today)
            .report(version: assessment.submissions, reviews: reviews)
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

    /// Issues the next decision: the director only, in the state the step needs, every
    /// observation of the previous period answered (D21), on the latest results; the motivated
    /// PDF is sealed and the establishment notified.
    func issue(_ assessmentID: UUID, step text: String) async throws -> EvaluationDecision {
        let assessment = try await EvaluationService(db: db, app: app, actor: actor, now: now).findAssessment(assessmentID)
        guard actor.role == .arsDirector else {
            throw UserFacingError(.forbidden, "Les décisions sont prises par le directeur général de l'ARS (rôle direction).")
        }
        guard let step = DecisionStep.parse(text) else {
            throw UserFacingError(.unprocessableEntity, "« etape » : « \(text.prefix(30)) » inconnue (attendu : decision_1, decision_2 ou decision_finale).")
        }
        let events = try await events(assessment)
        let procedure = try Self.fold(events)
        guard procedure.state == step.issuedFrom else {
            let expected = DecisionStep.next(for: procedure).map { " (étape attendue : \($0.rawValue))" } ?? ""
            throw UserFacingError(.conflict, "L'évaluation est « \(procedure.state.description) » : la \(step.description) n'est pas possible maintenant\(expected).")
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
        let run = try await results.current(campaign)
        let lines = try await results.lines(campaign, version: run.version)
            .filter { $0.holderFINESS == assessment.holderFINESS && (step != .first || $0.kind != "fir") }
        let total = lines.reduce(Decimal(0)) { $0 + (Decimal(string: $1.amount, locale: Locale(identifier: "en_US_POSIX")) ?? 0) }
        let decision = EvaluationDecision()
        decision.id = UUID()
        decision.assessmentID = try assessment.requireID()
        decision.step = step.rawValue
        decision.resultVersion = run.version
        decision.totalAmount = APIAmount.text(total)
        decision.createdAt = now
        try await db.transaction { db in
            let inner = EvaluationDecisions(db: db, app: app, actor: actor, now: now)
            if try await EvaluationDecision.query(on: db).filter(\.$assessmentID == decision.assessmentID).filter(\.$step == step.rawValue).first() != nil {
                throw UserFacingError(.conflict, "La \(step.description) existe déjà.")
            }
            try await decision.create(on: db)
            let builder = EvaluationDocumentBuilder(assessment: assessment, year: campaign.year, catalogues: try app.catalogues(),
                                                    siteURL: app.caqesSettings.publicURL, today: today)
            let content = builder.decision(step, lines: lines, total: total, resultVersion: run.version, events: events, reviews: reviews)
            let sha = try await inner.store(content, assessment: assessment, type: step.rawValue, decision: decision.id, version: 1)
            let (_, next) = try await inner.append(.notifyDecision, act: step.rawValue, to: assessment, decision: decision.id,
                                                   details: ContractActDetails(), document: sha)
            try await EvaluationNotifications.decision(assessment, step: step, procedure: next, documentSHA: sha,
                                                       siteURL: app.caqesSettings.publicURL, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "evaluation.\(step.rawValue)", target: "auto-évaluation \(decision.assessmentID.uuidString.lowercased())",
                                      details: "\(assessment.holderFINESS) : \(step.description), \(FrenchNumberFormat.euros(total)), résultats v\(run.version), document \(sha.prefix(16))…", at: now)
        }
        return decision
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
