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
        let upload: ImportUpload
        do { upload = try req.content.decode(ImportUpload.self) } catch {
            throw UserFacingError(.badRequest, "Requête multipart invalide : champs attendus « type », « fichier », et selon le cas « annee », « source », « correspondance », « ignorer_inconnus », « apercu ».")
        }
        let id = try await upload.start(req: req, principal: principal)
        let dto = ImportDTO(id: id, type: upload.type, statut: ImportStatus.running.rawValue, progression: 0, fichier: upload.fichier?.filename,
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
