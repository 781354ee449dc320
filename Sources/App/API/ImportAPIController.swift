import CAQESCore
import Fluent
import Vapor

/// `POST /api/v1/imports` (multipart) and `GET /api/v1/imports/{id}`: the import wizard for programs.
struct ImportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let secured = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .dataImports, api: true))
        secured.on(.POST, "imports", body: .collect, use: create)
        secured.get("imports", ":id", use: show)
    }

    struct CreateForm: Content {
        var type: String?
        var fichier: File?
        var annee: Int?
        var source: String?
        var correspondance: String?
        var ignorer_inconnus: Bool?
        var apercu: Bool?
        var cles_invalides: Bool?
    }

    struct ImportDTO: Content {
        var id: UUID
        var type: String?
        var statut: String
        var progression: Int?
        var fichier: String?
        var sha256: String?
        var source: String?
        var annees: [Int]
        var lignes: Int?
        var valeurs: Int?
        var remplacees: Int?
        var ignorees: Int?
        var message: String?
        var problemes: [String]
        var apercu: [[String]]
        var lien: String
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form: CreateForm
        do { form = try req.content.decode(CreateForm.self) } catch {
            throw UserFacingError(.badRequest, "Requête multipart invalide : champs attendus « type », « fichier », et selon le cas « annee », « source », « correspondance », « ignorer_inconnus », « apercu ».")
        }
        guard let kind = form.type.flatMap(ImportKind.init(rawValue:)) else {
            throw UserFacingError(.unprocessableEntity, "Champ « type » invalide : attendu \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if kind.isReferenceData && principal.role != .admin { throw UserFacingError.forbidden() }
        guard let file = form.fichier, file.data.readableBytes > 0 else {
            throw UserFacingError(.unprocessableEntity, "Champ « fichier » vide ou absent.")
        }
        if let year = form.annee, !(1990...2100).contains(year) {
            throw UserFacingError(.unprocessableEntity, "Champ « annee » invalide : « \(year) » (de 1990 à 2100).")
        }
        if (kind == .phmev || kind == .hospidiag) && form.annee == nil {
            throw UserFacingError(.unprocessableEntity, "Champ « annee » obligatoire pour ce type de fichier.")
        }
        var options = MeasuresImportOptions(year: form.annee, skipUnknown: form.ignorer_inconnus ?? false,
                                            dryRun: form.apercu ?? false, source: form.source)
        if let name = form.correspondance, !name.isEmpty {
            guard var mapping = try await MappingStore.load(name: name, db: req.db) else {
                throw UserFacingError(.unprocessableEntity, "Correspondance inconnue : « \(name) ».")
            }
            if let year = form.annee { mapping.fixedYear = year; mapping.yearColumn = nil }
            options.mapping = mapping
        }
        let id = UUID()
        let directory = req.application.caqesSettings.storageDirectory + "uploads/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + id.uuidString.lowercased() + ".csv"
        try await req.fileio.writeFile(file.data, at: path)
        ImportRunner.start(app: req.application, id: id, kind: kind, path: path,
                           fileName: String(file.filename.split(separator: "/").last ?? "fichier.csv"), options: options,
                           acceptBadKeys: form.cles_invalides ?? false, actor: principal.auditActor, logger: req.logger)
        let dto = ImportDTO(id: id, type: kind.rawValue, statut: ImportStatus.running.rawValue, progression: 0, fichier: file.filename,
                            sha256: nil, source: nil, annees: [], lignes: nil, valeurs: nil, remplacees: nil, ignorees: nil,
                            message: nil, problemes: [], apercu: [], lien: "/api/v1/imports/\(id.uuidString.lowercased())")
        let response = try await dto.encodeResponse(status: .accepted, for: req)
        response.headers.replaceOrAdd(name: .location, value: dto.lien)
        return response
    }

    @Sendable
    func show(req: Request) async throws -> ImportDTO {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let app = req.application
        let link = "/api/v1/imports/\(id.uuidString.lowercased())"
        if let progress = app.importProgress.get(id) {
            return ImportDTO(id: id, type: nil, statut: ImportStatus.running.rawValue, progression: progress.percent, fichier: nil,
                             sha256: nil, source: nil, annees: [], lignes: nil, valeurs: nil, remplacees: nil, ignorees: nil,
                             message: progress.phase, problemes: [], apercu: [], lien: link)
        }
        if let failure = app.importFailures.get(id) {
            return ImportDTO(id: id, type: nil, statut: ImportStatus.failed.rawValue, progression: nil, fichier: nil, sha256: nil,
                             source: nil, annees: [], lignes: nil, valeurs: nil, remplacees: nil, ignorees: nil, message: failure,
                             problemes: [], apercu: [], lien: link)
        }
        if let entry = app.importPreviews.get(id), entry.actorID == principal.userID {
            let report = entry.report
            return ImportDTO(id: id, type: entry.kind.rawValue, statut: report.alreadyImported != nil ? "déjà importé" : (report.status == .refused ? ImportStatus.refused.rawValue : "aperçu"),
                             progression: 100, fichier: entry.fileName, sha256: nil, source: report.source, annees: report.years,
                             lignes: report.rows, valeurs: report.stored, remplacees: nil, ignorees: report.skipped.count,
                             message: report.summary, problemes: report.problems.prefix(100).map(\.description),
                             apercu: report.preview, lien: link)
        }
        guard let run = try await ImportRun.find(id, on: req.db),
              ImportKind(rawValue: run.kind)?.isReferenceData != true || principal.role == .admin else {
            throw UserFacingError(.notFound, "Import « \(id.uuidString.lowercased()) » introuvable.")
        }
        let problems = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).limit(100).all()
        return ImportDTO(id: id, type: run.kind, statut: run.status, progression: 100, fichier: run.fileName, sha256: run.fileSHA256,
                         source: run.source, annees: (run.years ?? "").split(separator: ",").compactMap { Int($0) },
                         lignes: run.rowsTotal, valeurs: run.createdCount, remplacees: run.updatedCount, ignorees: run.skippedCount,
                         message: run.message,
                         problemes: problems.map { RowProblem(line: $0.line, column: $0.column, value: $0.value, reason: $0.reason).description },
                         apercu: [], lien: link)
    }
}
