import CAQESCore
import CAQESData
import Vapor

/// The wizard's mapping step for wide files: which column holds the FINESS, where the year
/// comes from, which column is which measure; optionally saved by name, then previewed.
extension ImportController {
    struct MappingColumn: Encodable { let index: Int; let name: String; let samples: String }

    struct MappingPage: Encodable {
        let layout: LayoutContext
        let fileName: String
        let dialect: String
        let columns: [MappingColumn]
        let sampleHeader: [String]
        let sample: [[String]]
        let year: String
        let errors: [String]
        let action: String
    }

    @Sendable
    func mappingPage(req: Request) async throws -> View {
        let (job, entry) = try await pending(req)
        return try await renderMapping(req, id: try job.requireID(), entry: entry, errors: [])
    }

    @Sendable
    func submitMapping(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let (job, entry) = try await pending(req)
        let id = try job.requireID()
        struct Form: Decodable { var finess: String?; var annee_colonne: String?; var annee: String?; var enregistrer: String?; var negatifs: String? }
        let form = try req.content.decode(Form.self)
        let measures = try? req.content.decode([String: String].self)
        var errors: [String] = []
        let columns = entry.header?.columns ?? []
        guard let finessIndex = form.finess.flatMap(Int.init), columns.indices.contains(finessIndex) else {
            return try await renderMapping(req, id: id, entry: entry, errors: ["Choisissez la colonne qui contient le FINESS."])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        var mapping = MeasureMapping(finessColumn: columns[finessIndex], columns: [], allowNegative: form.negatifs == "on")
        if let yearIndex = form.annee_colonne.flatMap(Int.init), columns.indices.contains(yearIndex) {
            mapping.yearColumn = columns[yearIndex]
        } else if let text = form.annee?.trimmingCharacters(in: .whitespaces), let year = Int(text), (1990...2100).contains(year) {
            mapping.fixedYear = year
        } else if let year = entry.year {
            mapping.fixedYear = year
        } else {
            errors.append(MappingError.noYear.description.replacingOccurrences(of: "--year ANNEE", with: "l'année"))
        }
        for (index, column) in columns.enumerated() where index != finessIndex && column != mapping.yearColumn {
            let code = (measures?["mesure_\(index)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty else { continue }
            guard code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                errors.append("Code de mesure invalide pour la colonne « \(column) » : « \(code) » (lettres, chiffres et _ seulement).")
                continue
            }
            mapping.columns.append(.init(column: column, measure: code))
        }
        if mapping.columns.isEmpty { errors.append(MappingError.noColumns.description) }
        guard errors.isEmpty else {
            return try await renderMapping(req, id: id, entry: entry, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        if let name = form.enregistrer?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            do {
                try await MappingStore.save(name: name, mapping: mapping, by: principal.auditActor, scope: principal.scope,
                                            at: req.now, db: req.db)
            } catch let error as UserFacingError {
                return try await renderMapping(req, id: id, entry: entry, errors: [error.message]).encodeResponse(status: .conflict, for: req)
            }
        }
        let now = req.now
        let moved = try await JobQueue.transition(job, from: .awaitingMapping, to: .queued, at: now, on: req.db) { job in
            var payload = entry
            payload.mapping = mapping
            payload.dryRun = true
            payload.header = nil
            job.payload = (try? JSONText.encode(payload)) ?? job.payload
        }
        guard moved else {
            throw UserFacingError(.conflict, "Cette correspondance a déjà été envoyée : l'aperçu est en préparation.")
        }
        await req.application.jobWorker.kick()
        return req.redirect(to: SiteURL.importRun(id).path)
    }

    /// The caller's own import waiting for its mapping.
    private func pending(_ req: Request) async throws -> (Job, ImportJobPayload) {
        let principal = try await req.requirePrincipal()
        guard let (job, payload) = try await ImportRepository(db: req.db, principal: principal).job(try Self.id(req)),
              job.actorID == principal.userID, job.state == JobState.awaitingMapping.rawValue, payload.header != nil
        else { throw UserFacingError.notFound() }
        return (job, payload)
    }

    private func renderMapping(_ req: Request, id: UUID, entry: ImportJobPayload, errors: [String]) async throws -> View {
        let principal = try await req.requirePrincipal()
        let header = entry.header ?? FileHeader(columns: [], sample: [], dialect: "", isLongFormat: false)
        let columns = header.columns.enumerated().map { index, name in
            MappingColumn(index: index, name: name,
                          samples: header.sample.compactMap { $0.indices.contains(index) ? $0[index] : nil }.prefix(3).joined(separator: " · "))
        }
        return try await req.view.render("admin/mapping", MappingPage(
            layout: LayoutContext(request: req, title: "Correspondance des colonnes", principal: principal,
                                  breadcrumbs: [("Imports", .imports), (entry.fileName, nil)]),
            fileName: entry.fileName, dialect: header.dialect, columns: columns, sampleHeader: header.columns,
            sample: header.sample, year: entry.year.map(String.init) ?? "", errors: errors,
            action: SiteURL.importMapping(id).path))
    }
}
