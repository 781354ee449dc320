import CAQESCore
import Fluent
import Vapor

/// Reference-data imports (admin): upload page, history, progress and error report.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(AccessGuard(family: .referenceImports, api: false))
        admin.get("admin", "imports", use: list)
        admin.on(.POST, "admin", "imports", body: .collect, use: upload)
        admin.get("admin", "imports", ":id", use: show)
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
    }

    struct UploadForm: Content {
        var type: String?
        var fichier: File?
        var cles_invalides: String?
    }

    @Sendable
    func list(req: Request) async throws -> View {
        try await renderList(req, error: nil)
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form: UploadForm
        do { form = try req.content.decode(UploadForm.self) } catch {
            throw UserFacingError(.badRequest, "Envoi incomplet ou mal formé : choisissez un type d'import et un fichier, puis réessayez.")
        }
        guard let kind = form.type.flatMap(ImportKind.init(rawValue:)) else {
            return try await renderList(req, error: "Choisissez le type de fichier (registre FINESS ou statuts juridiques).")
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard let file = form.fichier, file.data.readableBytes > 0 else {
            return try await renderList(req, error: "Le fichier est vide ou absent : choisissez un fichier CSV.")
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let id = UUID()
        let directory = req.application.caqesSettings.storageDirectory + "uploads/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + id.uuidString.lowercased() + ".csv"
        try await req.fileio.writeFile(file.data, at: path)
        let app = req.application
        let fileName = String(file.filename.split(separator: "/").last ?? "fichier.csv")
        let acceptBadKeys = form.cles_invalides == "on"
        let actor = principal.auditActor
        app.importProgress.set(id, ImportProgress(phase: "En attente", fraction: 0, rows: 0))
        let logger = req.logger
        // The import outlives the request: the page polls its progress.
        Task {
            var importer = RegistryImporter(db: app.db, logger: logger)
            importer.progress = { app.importProgress.set(id, $0) }
            do {
                _ = try await importer.run(kind: kind, path: path, fileName: fileName, actor: actor,
                                           acceptBadKeys: acceptBadKeys, importID: id)
            } catch {
                logger.error("import failed", metadata: ["import-id": .string(id.uuidString), "error": .string(String(describing: error))])
            }
            app.importProgress.clear(id)
            try? FileManager.default.removeItem(atPath: path)
        }
        return req.redirect(to: SiteURL.importRun(id).path)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let run = try await ImportRun.find(id, on: req.db)
        let progress = req.application.importProgress.get(id)
        guard run != nil || progress != nil else { throw UserFacingError.notFound() }
        let running = progress != nil || run?.status == ImportStatus.running.rawValue
        let problems = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).limit(200).all()
        let total = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).count()
        let row = run.map(Self.row) ?? RunRow(href: "", kind: "", file: "", sha: "", actor: "", started: "", status: "en attente",
                                              rows: "", summary: "", refused: false)
        let context = ImportPage(
            layout: LayoutContext(request: req, title: "Import", principal: principal,
                                  breadcrumbs: [("Imports", .imports), (row.file.isEmpty ? "Import" : row.file, nil)]),
            run: row, running: running, percent: progress?.percent ?? (running ? 0 : 100),
            phase: progress?.phase ?? row.status, dialect: run?.dialect ?? "", message: run?.message,
            problems: problems.map { RowProblem(line: $0.line, column: $0.column, value: $0.value, reason: $0.reason).description },
            moreProblems: max(0, total - problems.count), errorsHref: SiteURL.importRun(id).path + "/erreurs.csv")
        let response = try await req.view.render("admin/import", context).encodeResponse(for: req)
        if running { response.headers.replaceOrAdd(name: "Refresh", value: "1") }
        return response
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
        let runs = try await ImportRun.query(on: req.db).sort(\.$startedAt, .descending).limit(100).all()
        return try await req.view.render("admin/imports", ImportsPage(
            layout: LayoutContext(request: req, title: "Imports", principal: principal, breadcrumbs: [("Imports", nil)]),
            runs: runs.map(Self.row),
            kinds: ImportKind.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) },
            error: error,
            maxSize: "\(req.application.caqesSettings.maxUploadBytes / 1_000_000) Mo"))
    }

    static func row(_ run: ImportRun) -> RunRow {
        let summary: String
        switch ImportStatus(rawValue: run.status) {
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
