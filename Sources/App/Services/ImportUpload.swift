import CAQESCore
import CAQESData
import Fluent
import Vapor

/// An uploaded file to import, as the wizard page or the API sent it (same multipart fields),
/// received through `UploadReceiver` (streamed into the file store).
struct ImportUpload: Sendable {
    var type: String?
    var annee: String?
    var correspondance: String?
    var source: String?
    var ignorerInconnus: String?
    var apercu: String?
    var clesInvalides: String?
    var fileName: String?
    var fileSHA256: String?

    init(_ received: ReceivedUpload) {
        let fields = received.fields
        type = fields["type"]
        annee = fields["annee"]
        correspondance = fields["correspondance"]
        source = fields["source"]
        ignorerInconnus = fields["ignorer_inconnus"]
        apercu = fields["apercu"]
        clesInvalides = fields["cles_invalides"]
        fileName = received.fileName
        fileSHA256 = received.fileSHA256
    }

    static func isOn(_ value: String?) -> Bool { ["on", "true", "1", "oui"].contains(value?.lowercased() ?? "") }

    /// What the upload led to: an import queued, or a wide file waiting for its column mapping.
    enum Outcome { case started(UUID), needsMapping(UUID) }

    /// As `begin`, for programs: a file that needs a mapping is refused rather than waiting.
    func start(req: Request, principal: Principal) async throws -> UUID {
        switch try await begin(req: req, principal: principal, allowMappingStep: false) {
        case .started(let id), .needsMapping(let id): return id
        }
    }

    /// Validates the fields and queues the import job (any instance runs it); a measures file
    /// that is neither in the long format nor given a mapping stops at the wizard's mapping step.
    /// Refusals are French `UserFacingError`s: 422 for a field, 403 for a registry file when the
    /// user is not an administrator.
    func begin(req: Request, principal: Principal, allowMappingStep: Bool) async throws -> Outcome {
        guard let kind = type.flatMap(ImportKind.init(rawValue:)) else {
            throw UserFacingError(.unprocessableEntity, "Choisissez le type de fichier (« type » : \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        if kind.isReferenceData && principal.role != .admin {
            try await AccessAudit.refused(req, principal: principal, target: "import \(kind.rawValue)", reason: "réservé aux administrateurs")
            throw UserFacingError.forbidden()
        }
        guard let sha = fileSHA256 else {
            throw UserFacingError(.unprocessableEntity, "Le fichier est vide ou absent : choisissez un fichier CSV ou XLSX.")
        }
        var payload = ImportJobPayload(kind: kind, fileSHA256: sha, fileName: Self.cleanName(fileName), year: nil, mapping: nil,
                                       source: nil, skipUnknown: Self.isOn(ignorerInconnus), dryRun: Self.isOn(apercu),
                                       acceptBadKeys: Self.isOn(clesInvalides) && principal.role == .admin,
                                       actorID: principal.userID, actorLabel: principal.actorLabel,
                                       scope: ScopeCodes(principal.scope), header: nil)
        if let text = annee?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let year = Int(text), (1990...2100).contains(year) else {
                throw UserFacingError(.unprocessableEntity, "Année invalide : « \(text.prefix(20)) » (un entier de 1990 à 2100 est attendu).")
            }
            payload.year = year
        }
        if (kind == .phmev || kind == .hospidiag) && payload.year == nil {
            throw UserFacingError(.unprocessableEntity, "Indiquez l'année des données (« annee ») : ce fichier ne la contient pas.")
        }
        if let name = correspondance, !name.isEmpty, kind == .measures {
            guard var mapping = try await MappingStore.load(name: name, scope: principal.scope, db: req.db) else {
                throw UserFacingError(.unprocessableEntity, "Correspondance inconnue : « \(name.prefix(80)) ».")
            }
            if let year = payload.year { mapping.fixedYear = year; mapping.yearColumn = nil }
            payload.mapping = mapping
        }
        if let source = source?.trimmingCharacters(in: .whitespaces), !source.isEmpty { payload.source = String(source.prefix(80)) }
        let now = req.now
        let path = req.application.fileStore.path(for: sha)
        // Reading the header may open a whole workbook: on its own thread, not the event loop.
        if allowMappingStep, kind == .measures, payload.mapping == nil,
           let header = try? await RegistryImporter.offload({ try FileHeader.read(path: path) }), !header.isLongFormat {
            payload.header = header
            let job = try await JobQueue.enqueue(kind: JobRunner.importKind, payload: payload, state: .awaitingMapping,
                                                 actor: principal.auditActor, fileSHA256: sha, at: now, on: req.db)
            return .needsMapping(try job.requireID())
        }
        let job = try await JobQueue.enqueue(kind: JobRunner.importKind, payload: payload, actor: principal.auditActor,
                                             fileSHA256: sha, at: now, on: req.db)
        await req.application.jobWorker.kick()
        return .started(try job.requireID())
    }

    /// The file's own name, without any folder a browser may send.
    static func cleanName(_ name: String?) -> String {
        let last = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.filter { !$0.isNewline && $0 != "\0" }.prefix(200))
        return cleaned.isEmpty ? "fichier.csv" : cleaned
    }
}

/// The first lines of an uploaded file, for the wizard's mapping step.
struct FileHeader: Sendable, Codable {
    let columns: [String]
    let sample: [[String]]
    let dialect: String
    let isLongFormat: Bool

    static func read(path: String, sampleRows: Int = 5) throws -> FileHeader {
        let reader: CSVReader
        if InputFormat.detect(path: path) == .xlsx {
            let table = try XLSXWorkbook(path: path).table()
            reader = try CSVReader(data: table.csvBytes(), dialect: CSVDialect(encoding: .utf8, hasBOM: false, separator: 0x3B))
        } else {
            reader = try CSVReader(path: path)
        }
        var sample: [[String]] = []
        while sample.count < sampleRows, let record = try reader.next() { sample.append(record.fields) }
        let long = ["finess", "mesure", "annee", "valeur"].allSatisfy { reader.columnIndex($0) != nil }
        return FileHeader(columns: reader.header, sample: sample, dialect: reader.dialect.label, isLongFormat: long)
    }
}
