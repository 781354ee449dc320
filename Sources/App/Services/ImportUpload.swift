import CAQESCore
import CAQESData
import NIOConcurrencyHelpers
import Vapor

/// An uploaded file to import, as the wizard page or the API received it (same multipart fields).
struct ImportUpload: Content {
    var type: String?
    var fichier: File?
    var annee: String?
    var correspondance: String?
    var source: String?
    var ignorer_inconnus: String?
    var apercu: String?
    var cles_invalides: String?

    static func isOn(_ value: String?) -> Bool { ["on", "true", "1", "oui"].contains(value?.lowercased() ?? "") }

    /// What the upload led to: an import under way, or a wide file waiting for its column mapping.
    enum Outcome { case started(UUID), needsMapping(UUID) }

    /// Validates the fields, stores the file and starts the import in the background; returns its
    /// id. Refusals are French `UserFacingError`s: 422 for a field, 403 for a registry file when
    /// the user is not an administrator.
    func start(req: Request, principal: Principal) async throws -> UUID {
        switch try await begin(req: req, principal: principal, allowMappingStep: false) {
        case .started(let id), .needsMapping(let id): return id
        }
    }

    /// As `start`, but a measures file that is neither in the long format nor given a mapping
    /// stops at the wizard's mapping step instead of being refused.
    func begin(req: Request, principal: Principal, allowMappingStep: Bool) async throws -> Outcome {
        guard let kind = type.flatMap(ImportKind.init(rawValue:)) else {
            throw UserFacingError(.unprocessableEntity, "Choisissez le type de fichier (« type » : \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        if kind.isReferenceData && principal.role != .admin { throw UserFacingError.forbidden() }
        guard let file = fichier, file.data.readableBytes > 0 else {
            throw UserFacingError(.unprocessableEntity, "Le fichier est vide ou absent : choisissez un fichier CSV.")
        }
        var options = MeasuresImportOptions(skipUnknown: Self.isOn(ignorer_inconnus), dryRun: Self.isOn(apercu))
        if let text = annee?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let year = Int(text), (1990...2100).contains(year) else {
                throw UserFacingError(.unprocessableEntity, "Année invalide : « \(text) » (un entier de 1990 à 2100 est attendu).")
            }
            options.year = year
        }
        if (kind == .phmev || kind == .hospidiag) && options.year == nil {
            throw UserFacingError(.unprocessableEntity, "Indiquez l'année des données (« annee ») : ce fichier ne la contient pas.")
        }
        if let name = correspondance, !name.isEmpty, kind == .measures {
            guard var mapping = try await MappingStore.load(name: name, db: req.db) else {
                throw UserFacingError(.unprocessableEntity, "Correspondance inconnue : « \(name) ».")
            }
            if let year = options.year { mapping.fixedYear = year; mapping.yearColumn = nil }
            options.mapping = mapping
        }
        if let source = source?.trimmingCharacters(in: .whitespaces), !source.isEmpty { options.source = source }
        let id = UUID()
        let directory = req.application.caqesSettings.storageDirectory + "uploads/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + id.uuidString.lowercased() + ".csv"
        try await req.fileio.writeFile(file.data, at: path)
        let fileName = String(file.filename.split(separator: "/").last ?? "fichier.csv")
        if allowMappingStep, kind == .measures, options.mapping == nil, let header = try? FileHeader.read(path: path),
           !header.isLongFormat {
            req.application.pendingMappings.set(id, .init(path: path, fileName: fileName, options: options,
                                                          actorID: principal.userID, header: header))
            return .needsMapping(id)
        }
        ImportRunner.start(app: req.application, id: id, kind: kind, path: path, fileName: fileName, options: options,
                           acceptBadKeys: Self.isOn(cles_invalides), actor: principal.auditActor, logger: req.logger)
        return .started(id)
    }
}

/// The first lines of an uploaded file, for the wizard's mapping step.
struct FileHeader: Sendable {
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

/// Wide files waiting for their mapping (the wizard's mapping step), held in memory with their file.
final class PendingMappingBoard: Sendable {
    struct Entry: Sendable {
        let path: String
        let fileName: String
        let options: MeasuresImportOptions
        let actorID: UUID
        let header: FileHeader
    }

    private let state = NIOLockedValueBox<[UUID: Entry]>([:])
    func set(_ id: UUID, _ entry: Entry) { state.withLockedValue { $0[id] = entry } }
    func get(_ id: UUID) -> Entry? { state.withLockedValue { $0[id] } }
    func take(_ id: UUID) -> Entry? { state.withLockedValue { $0.removeValue(forKey: id) } }
}

extension Application {
    private struct PendingKey: StorageKey { typealias Value = PendingMappingBoard }

    var pendingMappings: PendingMappingBoard {
        if let board = storage[PendingKey.self] { return board }
        let board = PendingMappingBoard()
        storage[PendingKey.self] = board
        return board
    }
}
