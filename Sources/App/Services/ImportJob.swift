import CAQESCore
import CAQESData
import Fluent
import NIOConcurrencyHelpers
import Vapor

/// What an import job is asked to do: the file (by SHA-256 in the store) and the options chosen
/// in the wizard, the API or a previous step, with the actor and the actor's scope.
struct ImportJobPayload: Codable, Sendable {
    var kind: ImportKind
    var fileSHA256: String
    var fileName: String
    var year: Int?
    var mapping: MeasureMapping?
    var source: String?
    var skipUnknown: Bool
    var dryRun: Bool
    var acceptBadKeys: Bool
    var actorID: UUID?
    var actorLabel: String
    var scope: ScopeCodes
    /// A wide file's first lines, for the mapping step.
    var header: FileHeader?

    var options: MeasuresImportOptions {
        var options = MeasuresImportOptions(year: year, mapping: mapping, skipUnknown: skipUnknown, dryRun: dryRun, source: source)
        options.scope = scope.scope
        return options
    }

    var actor: AuditActor { AuditActor(id: actorID, label: actorLabel) }
}

/// An `AccessScope` as stored text.
struct ScopeCodes: Codable, Sendable, Equatable {
    var kind: String
    var codes: [String]

    init(_ scope: AccessScope) {
        switch scope {
        case .all: kind = "all"; codes = []
        case .none: kind = "none"; codes = []
        case .regions(let set): kind = "regions"; codes = set.sorted()
        case .departments(let set): kind = "departments"; codes = set.sorted()
        case .holders(let set): kind = "holders"; codes = set.sorted()
        }
    }

    var scope: AccessScope {
        switch kind {
        case "all": .all
        case "regions": .regions(Set(codes))
        case "departments": .departments(Set(codes))
        case "holders": .holders(Set(codes))
        default: .none
        }
    }
}

/// What a previewed measures import found, kept with its job until someone confirms it.
struct ImportPreview: Codable, Sendable {
    var summary: String
    var refused: Bool
    var stored: Int
    var rows: Int
    var source: String
    var years: [Int]
    var dialect: String
    var problems: [String]
    var problemCount: Int
    var skipped: [String]
    var skippedCount: Int
    var notes: [String]
    var preview: [[String]]
    var alreadyImportedAt: Date?

    init(_ report: MeasuresImportReport) {
        summary = report.summary
        refused = report.status == .refused
        stored = report.stored
        rows = report.rows
        source = report.source
        years = report.years
        dialect = report.dialect
        problems = report.problems.prefix(200).map(\.description)
        problemCount = report.problems.count
        skipped = report.skipped.prefix(50).map(\.description)
        skippedCount = report.skipped.count
        notes = report.notes.prefix(50).map(\.description)
        preview = report.preview
        alreadyImportedAt = report.alreadyImported
    }
}

/// Runs a claimed job to its end state; whatever happens, the job row says how it ended.
enum JobRunner {
    static let importKind = "import"

    /// Runs every job due now, in this process, then the e-mails due (`caqes jobs run-once`, tests).
    static func runDue(app: Application) async throws -> (jobs: Int, mails: Int, messages: [String]) {
        let instance = "run-once-\(UUID().uuidString.lowercased().prefix(8))"
        var count = 0
        var messages: [String] = []
        while count < 10_000, let job = try await JobQueue.claim(instance: instance, at: app.clock.now(), on: app.db) {
            await run(job, app: app, instance: instance)
            count += 1
            if let id = job.id, let done = try await Job.find(id, on: app.db) {
                messages.append("\(done.kind) : \(done.message ?? done.state)")
            }
        }
        let mails = try await Outbox.sendDue(app: app)
        return (count, mails, messages)
    }

    static func run(_ job: Job, app: Application, instance: String) async {
        guard let id = job.id else { return }
        var logger = Logger(label: "caqes.jobs")
        logger[metadataKey: "job-id"] = .string(id.uuidString.lowercased())
        let latest = NIOLockedValueBox<ImportProgress>(ImportProgress(phase: "Démarrage", fraction: 0, rows: 0))
        // Progress reaches the database twice a second, and doubles as the instance's heartbeat.
        let beat = Task {
            while !Task.isCancelled {
                let progress = latest.withLockedValue { $0 }
                try? await JobQueue.heartbeat(id, instance: instance, phase: progress.phase, progress: progress.fraction,
                                              at: app.clock.now(), on: app.db)
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        var end: (state: JobState, message: String?, result: String?, regions: String?)
        do {
            switch job.kind {
            case importKind:
                let payload = try JSONText.decode(ImportJobPayload.self, from: job.payload)
                end = try await runImport(payload, id: id, app: app, logger: logger) { progress in
                    latest.withLockedValue { $0 = progress }
                }
            case BulkContracting.sendKind:
                let message = try await BulkContracting.runSending(job, app: app) { progress in
                    latest.withLockedValue { $0 = progress }
                }
                end = (.done, message, nil, nil)
            case ContractDeadlines.expiryKind, ContractDeadlines.entryIntoForceKind:
                end = (.done, try await ContractDeadlines.run(job, app: app), nil, nil)
            case EvaluationDecisions.expiryKind:
                end = (.done, try await EvaluationDecisions.runExpiry(job, app: app), nil, nil)
            default:
                end = (.failed, "Type de tâche inconnu : « \(job.kind) ».", nil, nil)
            }
        } catch {
            // Reader and domain errors are French and say what and where; anything else (database,
            // disk) is logged in full and shown as an internal error.
            let (status, described) = FrenchErrorMiddleware.describe(error)
            let message = status.code >= 500
                ? "Erreur interne pendant l'import : l'incident a été journalisé, rien n'a été enregistré." : described
            logger.error("job failed", metadata: ["error": .string(String(reflecting: error))])
            end = (.failed, message, nil, nil)
        }
        beat.cancel()
        await beat.value
        do {
            let now = app.clock.now()
            try await Job.query(on: app.db).filter(\.$id == id).filter(\.$claimedBy == instance)
                .set(\.$state, to: end.state.rawValue).set(\.$message, to: end.message).set(\.$result, to: end.result)
                .set(\.$regions, to: end.regions).set(\.$phase, to: nil).set(\.$progress, to: 1)
                .set(\.$updatedAt, to: now).set(\.$version, to: job.version + 1)
                .update()
        } catch {
            logger.error("job end not recorded", metadata: ["error": .string(String(reflecting: error))])
        }
    }

    static func runImport(_ payload: ImportJobPayload, id: UUID, app: Application, logger: Logger,
                          progress: @escaping @Sendable (ImportProgress) -> Void)
        async throws -> (state: JobState, message: String?, result: String?, regions: String?) {
        let path = app.fileStore.path(for: payload.fileSHA256)
        guard FileManager.default.fileExists(atPath: path) else {
            return (.failed, "Le fichier n'est plus dans l'espace de stockage : envoyez-le de nouveau.", nil, nil)
        }
        if payload.kind.isReferenceData {
            var importer = RegistryImporter(db: app.db, logger: logger, clock: app.clock)
            importer.progress = progress
            let report = try await importer.run(kind: payload.kind, path: path, fileName: payload.fileName, actor: payload.actor,
                                                acceptBadKeys: payload.acceptBadKeys, importID: id)
            app.referenceCache.invalidate()
            return (report.status == .refused ? .refused : .done, report.summary, nil, nil)
        }
        var importer = MeasuresImporter(db: app.db, logger: logger, clock: app.clock)
        importer.progress = progress
        let report = try await importer.run(kind: payload.kind, path: path, fileName: payload.fileName, options: payload.options,
                                            actor: payload.actor, importID: id)
        let regions = report.regions.sorted().joined(separator: ",")
        let result = try JSONText.encode(ImportPreview(report))
        if report.status == .refused { return (.refused, report.summary, result, regions) }
        if payload.dryRun && report.alreadyImported == nil { return (.awaitingConfirmation, report.summary, result, regions) }
        return (.done, report.summary, result, regions)
    }
}
