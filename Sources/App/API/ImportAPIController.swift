import CAQESCore
import Fluent
import Vapor

/// `POST /api/v1/imports` (multipart) and `GET /api/v1/imports/{id}`: the import wizard for programs.
struct ImportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let secured = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .dataImports, api: true))
        // Streamed: the token and the role are checked before any byte of the file is read.
        secured.on(.POST, SiteURL.Route.apiImports.components, body: .stream, use: create)
        secured.get(SiteURL.Route.apiImport.components, use: show)
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
        var remarques: [String]
        var apercu: [[String]]
        var lien: String
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let upload = ImportUpload(try await UploadReceiver.receive(req))
        let id = try await upload.start(req: req, principal: principal)
        let dto = ImportDTO(id: id, type: upload.type, statut: JobState.queued.rawValue, progression: 0, fichier: upload.fileName,
                            sha256: upload.fileSHA256, source: nil, annees: [], lignes: nil, valeurs: nil, remplacees: nil, ignorees: nil,
                            message: nil, problemes: [], remarques: [], apercu: [], lien: SiteURL.apiImport(id).path)
        let response = try await dto.encodeResponse(status: .accepted, for: req)
        response.headers.replaceOrAdd(name: .location, value: dto.lien)
        return response
    }

    @Sendable
    func show(req: Request) async throws -> ImportDTO {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let link = SiteURL.apiImport(id).path
        let repository = ImportRepository(db: req.db, principal: principal)
        let found = try await repository.job(id)
        let run = try await repository.run(id)
        guard found != nil || run != nil else {
            throw UserFacingError(.notFound, "Import « \(id.uuidString.lowercased()) » introuvable.")
        }
        let preview = found?.0.result.flatMap { try? JSONText.decode(ImportPreview.self, from: $0) }
        if let run, found.map({ JobState(rawValue: $0.0.state)?.isFinished ?? true }) ?? true {
            let problems = try await ImportProblem.query(on: req.db).filter(\.$importRun.$id == id).sort(\.$line).limit(100).all()
            return ImportDTO(id: id, type: run.kind, statut: run.status, progression: 100, fichier: run.fileName, sha256: run.fileSHA256,
                             source: run.source, annees: (run.years ?? "").split(separator: ",").compactMap { Int($0) },
                             lignes: run.rowsTotal, valeurs: run.createdCount, remplacees: run.updatedCount, ignorees: run.skippedCount,
                             message: run.message,
                             problemes: problems.map { RowProblem(line: $0.line, column: $0.column, value: $0.value, reason: $0.reason).description },
                             remarques: preview?.notes ?? [], apercu: [], lien: link)
        }
        let (job, payload) = found!
        return ImportDTO(id: id, type: payload.kind.rawValue, statut: job.state, progression: Int((job.progress * 100).rounded(.down)),
                         fichier: payload.fileName, sha256: payload.fileSHA256, source: preview?.source,
                         annees: preview?.years ?? [], lignes: preview?.rows, valeurs: preview?.stored, remplacees: nil,
                         ignorees: preview?.skippedCount, message: job.message ?? job.phase,
                         problemes: preview?.problems ?? [], remarques: preview?.notes ?? [], apercu: preview?.preview ?? [], lien: link)
    }
}
