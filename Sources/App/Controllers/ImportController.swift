import CAQESCore
import Fluent
import Vapor

/// Reference-data imports (admin): upload page, history, progress and error report.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(AccessGuard(family: .dataImports, api: false))
        admin.get("admin", "imports", use: list)
        admin.on(.POST, "admin", "imports", body: .collect, use: upload)
        admin.get("admin", "imports", ":id", use: show)
        admin.post("admin", "imports", ":id", "confirmer", use: confirm)
        admin.get("admin", "imports", ":id", "correspondance", use: mappingPage)
        admin.post("admin", "imports", ":id", "correspondance", use: submitMapping)
        admin.get("admin", "imports", ":id", "erreurs.csv", use: errorsCSV)
    }

    struct RunRow: Encodable {
        let href: String; let kind: String; let file: String; let sha: String; let actor: String; let started: String
        let status: String; let rows: String; let summary: String; let refused: Bool
    }

    struct ImportsPage: Encodable {
        let layout: LayoutContext
        let runs: [RunRow]
        let kinds: [SelectOption]
        let error: String?
        let maxSize: String
        let mappings: [SelectOption]
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
        let upload: ImportUpload
        do { upload = try req.content.decode(ImportUpload.self) } catch {
            throw UserFacingError(.badRequest, "Envoi incomplet ou mal formé : choisissez un type d'import et un fichier, puis réessayez.")
        }
        do {
            switch try await upload.begin(req: req, principal: principal, allowMappingStep: true) {
            case .started(let id): return req.redirect(to: SiteURL.importRun(id).path)
            case .needsMapping(let id): return req.redirect(to: SiteURL.importRun(id).path + "/correspondance")
            }
        } catch let error as UserFacingError where error.status == .unprocessableEntity {
            return try await renderList(req, error: error.message).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let app = req.application
        let run = try await ImportRun.find(id, on: req.db)
        let progress = app.importProgress.get(id)
        let preview = app.importPreviews.get(id)
        let failure = app.importFailures.get(id)
        guard run != nil || progress != nil || preview != nil || failure != nil else { throw UserFacingError.notFound() }
        if let run, ImportKind(rawValue: run.kind)?.isReferenceData == true, principal.role != .admin { throw UserFacingError.forbidden() }
        let running = progress != nil
        let problems = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).limit(200).all()
        let total = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).count()
        var row = run.map(Self.row) ?? RunRow(href: "", kind: preview?.kind.label ?? "", file: preview?.fileName ?? "", sha: "",
                                              actor: principal.actorLabel, started: "", status: running ? "en cours" : "aperçu",
                                              rows: "", summary: "", refused: false)
        if failure != nil { row = RunRow(href: row.href, kind: row.kind, file: row.file, sha: row.sha, actor: row.actor,
                                         started: row.started, status: ImportStatus.failed.rawValue, rows: row.rows,
                                         summary: row.summary, refused: true) }
        var lineValues: [String] = []
        if let line = try? req.query.get(Int.self, at: "ligne") {
            lineValues = try await MeasureValueRecord.query(on: req.db).filter(\.$importID == id).filter(\.$line == line)
                .sort(\.$measure).all().map { "\($0.finess) · \($0.measure) · \($0.year) : \($0.kind == "masked" ? "masqué (\($0.maskReason ?? ""))" : MeasureDisplay.text($0.value))" }
        }
        let previewProblems = preview.map { $0.report.problems.prefix(200).map(\.description) } ?? []
        let context = ImportPage(
            layout: LayoutContext(request: req, title: "Import", principal: principal,
                                  breadcrumbs: [("Imports", .imports), (row.file.isEmpty ? "Import" : row.file, nil)]),
            run: row, running: running, percent: progress?.percent ?? 0,
            phase: progress?.phase ?? row.status, dialect: run?.dialect ?? preview?.report.dialect ?? "",
            message: failure ?? run?.message,
            problems: problems.map { RowProblem(line: $0.line, column: $0.column, value: $0.value, reason: $0.reason).description } + previewProblems,
            moreProblems: max(0, total - problems.count), errorsHref: SiteURL.importRun(id).path + "/erreurs.csv",
            preview: preview?.report.preview ?? [],
            previewSummary: preview.map { ($0.options.dryRun && $0.report.alreadyImported == nil ? "Aperçu : " : "") + $0.report.summary },
            canConfirm: preview.map { $0.options.dryRun && $0.report.status != .refused && $0.report.stored > 0 } ?? false,
            confirmHref: SiteURL.importRun(id).path + "/confirmer",
            skipped: preview?.report.skipped.prefix(50).map(\.description) ?? [],
            lineValues: lineValues,
            failed: failure != nil)
        let response = try await req.view.render("admin/import", context).encodeResponse(for: req)
        if running { response.headers.replaceOrAdd(name: "Refresh", value: "1") }
        return response
    }

    /// The wizard's last step: the previewed file is imported for real.
    @Sendable
    func confirm(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self), let entry = req.application.importPreviews.get(id),
              entry.actorID == principal.userID else { throw UserFacingError.notFound() }
        guard FileManager.default.fileExists(atPath: entry.path) else {
            throw UserFacingError(.gone, "Le fichier de l'aperçu n'est plus disponible : envoyez-le de nouveau.")
        }
        _ = req.application.importPreviews.take(id)
        var options = entry.options
        options.dryRun = false
        let newID = UUID()
        ImportRunner.start(app: req.application, id: newID, kind: entry.kind, path: entry.path, fileName: entry.fileName,
                           options: options, acceptBadKeys: false, actor: principal.auditActor, logger: req.logger)
        return req.redirect(to: SiteURL.importRun(newID).path)
    }

    @Sendable
    func errorsCSV(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), try await ImportRun.find(id, on: req.db) != nil else {
            throw UserFacingError.notFound()
        }
        var csv = FrenchCSVWriter()
        csv.appendRow(["Ligne", "Colonne", "Valeur", "Raison"])
        for problem in try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).all() {
            csv.appendRow([String(problem.line), problem.column, problem.value, problem.reason])
        }
        let response = Response(status: .ok, body: .init(data: csv.data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "erreurs-import.csv")
        return response
    }

    private func renderList(_ req: Request, error: String?) async throws -> View {
        let principal = try await req.requirePrincipal()
        var query = ImportRun.query(on: req.db).sort(\.$startedAt, .descending).limit(100)
        if principal.role != .admin { query = query.filter(\.$kind !~ ImportKind.allCases.filter(\.isReferenceData).map(\.rawValue)) }
        let runs = try await query.all()
        return try await req.view.render("admin/imports", ImportsPage(
            layout: LayoutContext(request: req, title: "Imports", principal: principal, breadcrumbs: [("Imports", nil)]),
            runs: runs.map(Self.row),
            kinds: ImportKind.allCases.filter { !$0.isReferenceData || principal.role == .admin }
                .map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) },
            error: error,
            maxSize: "\(req.application.caqesSettings.maxUploadBytes / 1_000_000) Mo",
            mappings: try await ImportMappingRecord.query(on: req.db).sort(\.$id).all()
                .map { SelectOption(value: $0.id ?? "", label: $0.id ?? "", selected: false) }))
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
}
