import Fluent
import Foundation
import SQLKit
import Vapor

/// The jobs table as a queue: enqueue, claim (any instance, each job once), heartbeat, finish.
enum JobQueue {
    /// A running job whose instance has not written for this long is given to another.
    static let staleAfter: TimeInterval = 120
    /// Claims of a job before it is declared failed (an import that kills its instance).
    static let maxAttempts = 3
    /// A preview or a mapping step nobody finished is abandoned after this long.
    static let abandonAfter: TimeInterval = 24 * 60 * 60

    static func enqueue(kind: String, payload: some Encodable, state: JobState = .queued, actor: AuditActor,
                        fileSHA256: String?, result: String? = nil, runAt: Date? = nil, at date: Date, on db: any Database) async throws -> Job {
        let job = Job()
        job.id = UUID()
        job.kind = kind
        job.state = state.rawValue
        job.payload = try JSONText.encode(payload)
        job.result = result
        job.progress = 0
        job.actorID = actor.id
        job.actorLabel = actor.label
        job.fileSHA256 = fileSHA256
        job.attempts = 0
        job.createdAt = date
        job.updatedAt = date
        job.version = 1
        job.runAt = runAt
        try await job.create(on: db)
        return job
    }

    /// Takes the oldest queued job, atomically: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets every
    /// instance claim at once without two taking the same job; SQLite has one writer at a time.
    static func claim(instance: String, at date: Date, on db: any Database) async throws -> Job? {
        let sql = db as! any SQLDatabase
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        struct Claimed: Decodable { let id: UUID }
        let claimed = try await sql.raw("""
            UPDATE jobs SET state = \(bind: JobState.running.rawValue), claimed_by = \(bind: instance),
                heartbeat_at = \(bind: date), updated_at = \(bind: date), attempts = attempts + 1, version = version + 1
            WHERE id = (SELECT id FROM jobs WHERE state = \(bind: JobState.queued.rawValue)
                          AND (run_at IS NULL OR run_at <= \(bind: date))
                        ORDER BY created_at LIMIT 1\(lock))
            RETURNING id
            """).first(decoding: Claimed.self)
        guard let claimed else { return nil }
        return try await Job.find(claimed.id, on: db)
    }

    /// Progress and heartbeat of a running job (only while this instance still holds it).
    static func heartbeat(_ id: UUID, instance: String, phase: String?, progress: Double, at date: Date, on db: any Database) async throws {
        try await Job.query(on: db).filter(\.$id == id).filter(\.$claimedBy == instance)
            .filter(\.$state == JobState.running.rawValue)
            .set(\.$phase, to: phase).set(\.$progress, to: progress).set(\.$heartbeatAt, to: date).set(\.$updatedAt, to: date)
            .update()
    }

    /// Moves a job from `from` to `to`, only if nobody changed it since `version` was read.
    /// Returns false on a conflict (another person or instance acted first).
    @discardableResult
    static func transition(_ job: Job, from: JobState, to: JobState, at date: Date, on db: any Database,
                           change: (Job) -> Void = { _ in }) async throws -> Bool {
        let expected = job.version
        change(job)
        let sql = db as! any SQLDatabase
        let updated = try await sql.update("jobs")
            .set("state", to: to.rawValue)
            .set("payload", to: job.payload).set("result", to: job.result).set("message", to: job.message)
            .set("phase", to: job.phase).set("progress", to: job.progress).set("regions", to: job.regions)
            .set("updated_at", to: date).set("version", to: expected + 1)
            .where("id", .equal, job.id).where("state", .equal, from.rawValue).where("version", .equal, expected)
            .returning("id").all()
        guard !updated.isEmpty else { return false }
        job.state = to.rawValue
        job.version = expected + 1
        return true
    }

    /// Running jobs whose instance went silent go back to the queue (or fail after too many claims).
    /// The asking instance's own jobs are never taken from it: it knows they are alive (on SQLite a
    /// long import holds the one connection, so its heartbeat may wait).
    static func requeueStale(at date: Date, except instance: String, after stale: TimeInterval = staleAfter,
                             on db: any Database) async throws {
        let limit = date.addingTimeInterval(-stale)
        try await Job.query(on: db).filter(\.$state == JobState.running.rawValue).filter(\.$heartbeatAt < limit)
            .filter(\.$claimedBy != instance)
            .filter(\.$attempts >= maxAttempts)
            .set(\.$state, to: JobState.failed.rawValue)
            .set(\.$message, to: "Le traitement s'est interrompu \(maxAttempts) fois : rien n'a été enregistré. Vérifiez le fichier ou contactez l'administrateur.")
            .set(\.$updatedAt, to: date).update()
        try await Job.query(on: db).filter(\.$state == JobState.running.rawValue).filter(\.$heartbeatAt < limit)
            .filter(\.$claimedBy != instance)
            .set(\.$state, to: JobState.queued.rawValue).set(\.$claimedBy, to: nil).set(\.$updatedAt, to: date).update()
    }

    /// Previews and mapping steps left unfinished are abandoned; files that nothing refers to any
    /// more are removed from the store, and so are temporary files of interrupted uploads.
    static func cleanUp(store: any FileStorage, at date: Date, on db: any Database) async throws -> Int {
        try await Job.query(on: db)
            .filter(\.$state ~~ [JobState.awaitingMapping.rawValue, JobState.awaitingConfirmation.rawValue])
            .filter(\.$updatedAt < date.addingTimeInterval(-abandonAfter))
            .set(\.$state, to: JobState.abandoned.rawValue).set(\.$updatedAt, to: date).update()
        let sql = db as! any SQLDatabase
        struct Row: Decodable { let sha256: String }
        let orphans = try await sql.raw("""
            SELECT sha256 FROM stored_files f
            WHERE created_at < \(bind: date.addingTimeInterval(-staleAfter))
              AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.file_sha256 = f.sha256)
              AND NOT EXISTS (SELECT 1 FROM contract_documents d WHERE d.sha256 = f.sha256)
              AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.file_sha256 = f.sha256 AND j.state <> \(bind: JobState.abandoned.rawValue)
                              AND j.state <> \(bind: JobState.failed.rawValue))
            """).all(decoding: Row.self)
        for orphan in orphans {
            try store.remove(orphan.sha256)
            try await StoredFile.query(on: db).filter(\.$id == orphan.sha256).delete()
        }
        if let directory = store as? DirectoryFileStore {
            let tmp = directory.root + "tmp/"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] {
                let path = tmp + name
                if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                   modified < date.addingTimeInterval(-abandonAfter) {
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
        }
        return orphans.count
    }
}

/// JSON text for the jobs table.
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
