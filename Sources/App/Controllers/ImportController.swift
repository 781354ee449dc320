import CAQESCore
import Fluent
import Vapor

/// The import wizard (administrators and ARS analysts): upload, mapping step, preview, confirm,
/// progress, history and error report. Every state lives in the jobs table, so any instance can
/// show or continue what another began.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let imports = routes.grouped(AccessGuard(family: .dataImports, api: false))
        imports.get(SiteURL.Route.imports.components, use: list)
        // Streamed: CSRF (in the address) and access are checked before any byte of the file is read.
        imports.on(.POST, SiteURL.Route.imports.components, body: .stream, use: upload)
        imports.get(SiteURL.Route.importRun.components, use: show)
        imports.post(SiteURL.Route.importConfirm.components, use: confirm)
        imports.get(SiteURL.Route.importMapping.components, use: mappingPage)
        imports.post(SiteURL.Route.importMapping.components, use: submitMapping)
        imports.get(SiteURL.Route.importErrors.components, use: errorsCSV)
    }

    struct RunRow: Encodable {
        let href: String; let kind: String; let file: String; let sha: String; let actor: String; let started: String
        let status: String; let rows: String; let summary: String; let refused: Bool
    }

    struct ImportsPage: Encodable {
        let layout: LayoutContext
        let runs: [RunRow]
        let open: [RunRow]
        let kinds: [SelectOption]
        let error: String?
        let maxSize: String
        let mappings: [SelectOption]
        let uploadHref: String
    }

    struct ImportPage: Encodable {
        let layout: LayoutContext
        let run: RunRow
        let running: Bool
        let percent: Int
        let phase: String
        let dialect: String
        let message: String?
        let problems: [String]
        let moreProblems: Int
        let errorsHref: String
        let preview: [[String]]
        let previewSummary: String?
        let canConfirm: Bool
        let confirmHref: String
        let skipped: [String]
        let notes: [String]
        let lineValues: [String]
        let failed: Bool
    }

    @Sendable
    func list(req: Request) async throws -> View {
        try await renderList(req, error: nil)
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let upload = ImportUpload(try await UploadReceiver.receive(req))
        do {
            switch try await upload.begin(req: req, principal: principal, allowMappingStep: true) {
            case .started(let id): return req.redirect(to: SiteURL.importRun(id).path)
            case .needsMapping(let id): return req.redirect(to: SiteURL.importMapping(id).path)
            }
        } catch let error as UserFacingError where error.status == .unprocessableEntity {
            return try await renderList(req, error: error.message).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let id = try Self.id(req)
        let repository = ImportRepository(db: req.db, principal: principal)
        let found = try await repository.job(id)
        let run = try await repository.run(id)
        guard found != nil || run != nil else { throw UserFacingError.notFound() }
        let state = found.flatMap { JobState(rawValue: $0.0.state) }
        if state == .awaitingMapping, let job = found?.0, job.actorID == principal.userID {
            return req.redirect(to: SiteURL.importMapping(id).path)
        }
        let preview = found?.0.result.flatMap { try? JSONText.decode(ImportPreview.self, from: $0) }
        let running = state == .queued || state == .running
        let failed = state == .failed || state == .abandoned
        var row = run.map(Self.row) ?? found.map { Self.row($0.0, $0.1) }!
        if failed, let job = found?.0 { row = Self.row(job, found!.1) }
        let problems = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).limit(200).all()
        let total = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).count()
        var lineValues: [String] = []
        if let text = try? req.query.get(String.self, at: "ligne") {
            let line = try QueryNumber.parse(text, name: "ligne", default: 0, range: 0...Int(Int32.max))
            lineValues = try await MeasureValueRecord.query(on: req.db).filter(\.$importID == id).filter(\.$line == line)
                .sort(\.$measure).limit(500).all()
                .map { "\($0.finess) · \($0.measure) · \($0.year) : \($0.kind == "masked" ? "masqué (\($0.maskReason ?? ""))" : MeasureDisplay.text($0.value))" }
        }
        let awaiting = state == .awaitingConfirmation
        let context = ImportPage(
            layout: LayoutContext(request: req, title: "Import", principal: principal,
                                  breadcrumbs: [("Imports", .imports), (row.file.isEmpty ? "Import" : row.file, nil)]),
            run: row, running: running, percent: Int(((found?.0.progress ?? 0) * 100).rounded(.down)),
            phase: found?.0.phase ?? state?.rawValue ?? row.status, dialect: run?.dialect ?? preview?.dialect ?? "",
            message: failed ? found?.0.message : run?.message,
            problems: problems.map { RowProblem(line: $0.line, column: $0.column, value: $0.value, reason: $0.reason).description }
                + (run == nil ? preview?.problems ?? [] : []),
            moreProblems: max(0, total - problems.count) + (run == nil ? max(0, (preview?.problemCount ?? 0) - (preview?.problems.count ?? 0)) : 0),
            errorsHref: SiteURL.importErrors(id).path,
            preview: run == nil ? preview?.preview ?? [] : [],
            previewSummary: run == nil ? preview.map(\.summary) : nil,
            canConfirm: awaiting && found?.0.actorID == principal.userID && (preview.map { !$0.refused && $0.stored > 0 } ?? false),
            confirmHref: SiteURL.importConfirm(id).path,
            skipped: preview?.skipped ?? [],
            notes: preview?.notes ?? [],
            lineValues: lineValues,
            failed: failed)
        let response = try await req.view.render("admin/import", context).encodeResponse(for: req)
        if running { response.headers.replaceOrAdd(name: "Refresh", value: "1") }
        return response
    }

    /// The wizard's last step: the previewed file is imported for real, by a new job.
    @Sendable
    func confirm(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let id = try Self.id(req)
        guard let (job, payload) = try await ImportRepository(db: req.db, principal: principal).job(id),
              job.actorID == principal.userID else { throw UserFacingError.notFound() }
        guard job.state == JobState.awaitingConfirmation.rawValue else {
            throw UserFacingError(.conflict, "Cet aperçu n'attend plus de confirmation (état : \(job.state)) : il a déjà été confirmé, ou abandonné.")
        }
        guard req.application.fileStore.contains(payload.fileSHA256) else {
            throw UserFacingError(.gone, "Le fichier de l'aperçu n'est plus disponible : envoyez-le de nouveau.")
        }
        var confirmed = payload
        confirmed.dryRun = false
        let real = confirmed
        let now = req.now
        let newID: UUID = try await req.db.transaction { db in
            guard try await JobQueue.transition(job, from: .awaitingConfirmation, to: .done, at: now, on: db, change: {
                $0.message = "Aperçu confirmé."
            }) else {
                throw UserFacingError(.conflict, "Cet aperçu vient d'être confirmé par ailleurs : rien n'a été fait deux fois.")
            }
            return try await JobQueue.enqueue(kind: JobRunner.importKind, payload: real, actor: principal.auditActor,
                                              fileSHA256: payload.fileSHA256, at: now, on: db).requireID()
        }
        await req.application.jobWorker.kick()
        return req.redirect(to: SiteURL.importRun(newID).path)
    }

    @Sendable
    func errorsCSV(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let id = try Self.id(req)
        guard try await ImportRepository(db: req.db, principal: principal).run(id) != nil else { throw UserFacingError.notFound() }
        var csv = FrenchCSVWriter()
        csv.appendRow(["Ligne", "Colonne", "Valeur", "Raison"])
        var count = 0
        for problem in try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).all() {
            csv.appendRow([String(problem.line), problem.column, problem.value, problem.reason])
            count += 1
        }
        try await AuditLog.append(on: req.db, actor: principal.auditActor, action: "export CSV",
                                  target: "erreurs de l'import \(id.uuidString.lowercased())", details: "\(count) ligne(s)", at: req.now)
        let response = Response(status: .ok, body: .init(data: csv.data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "erreurs-import.csv")
        return response
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        return id
    }

    private func renderList(_ req: Request, error: String?) async throws -> View {
        let principal = try await req.requirePrincipal()
        let repository = ImportRepository(db: req.db, principal: principal)
        let runs = try await repository.recentRuns()
        let open = try await repository.openJobs()
        return try await req.view.render("admin/imports", ImportsPage(
            layout: LayoutContext(request: req, title: "Imports", principal: principal, breadcrumbs: [("Imports", nil)]),
            runs: runs.map(Self.row),
            open: open.map { Self.row($0.0, $0.1) },
            kinds: ImportKind.allCases.filter { !$0.isReferenceData || principal.role == .admin }
                .map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) },
            error: error,
            maxSize: "\(req.application.caqesSettings.maxUploadBytes / 1_000_000) Mo",
            mappings: try await MappingStore.names(scope: principal.scope, db: req.db)
                .map { SelectOption(value: $0, label: $0, selected: false) },
            uploadHref: SiteURL.importUpload(csrf: CSRFMiddleware.token(for: req)).path))
    }

    static func row(_ run: ImportRun) -> RunRow {
        let summary: String
        switch ImportStatus(rawValue: run.status) {
        case .done where ImportKind(rawValue: run.kind)?.isReferenceData == false:
            summary = "\(FrenchFormat.integer(run.createdCount)) valeur(s) enregistrée(s) (source « \(run.source ?? "") », année(s) \(run.years ?? "")), \(FrenchFormat.integer(run.updatedCount)) remplacée(s), \(FrenchFormat.integer(run.skippedCount ?? 0)) ligne(s) ignorée(s)"
        case .done:
            summary = "\(FrenchFormat.integer(run.createdCount)) créée(s), \(FrenchFormat.integer(run.updatedCount)) modifiée(s), \(FrenchFormat.integer(run.unchangedCount)) inchangée(s)"
        case .refused: summary = "\(FrenchFormat.integer(run.errorCount)) ligne(s) en erreur, rien d'enregistré"
        default: summary = run.message ?? ""
        }
        return RunRow(href: SiteURL.importRun(run.id!).path, kind: ImportKind(rawValue: run.kind)?.label ?? run.kind,
                      file: run.fileName, sha: String(run.fileSHA256.prefix(12)), actor: run.actorLabel,
                      started: FrenchFormat.dateTime(run.startedAt), status: run.status,
                      rows: FrenchFormat.integer(run.rowsTotal), summary: summary,
                      refused: run.status == ImportStatus.refused.rawValue || run.status == ImportStatus.failed.rawValue)
    }

    /// A job that has no import record (yet, or ever: a preview, a failure).
    static func row(_ job: Job, _ payload: ImportJobPayload) -> RunRow {
        let state = JobState(rawValue: job.state)
        return RunRow(href: SiteURL.importRun(job.id!).path, kind: payload.kind.label, file: payload.fileName,
                      sha: String(payload.fileSHA256.prefix(12)), actor: job.actorLabel,
                      started: FrenchFormat.dateTime(job.createdAt), status: job.state, rows: "",
                      summary: job.message ?? job.phase ?? "",
                      refused: state == .failed || state == .refused || state == .abandoned)
    }
}
