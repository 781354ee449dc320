import CAQESCore
import Fluent
import Vapor

/// Imports and their jobs within a user's scope. Registry imports are for administrators; a
/// measures import is visible to whoever started it and to users whose scope covers every region
/// its establishments belong to. Anything else does not exist for that user (404).
struct ImportRepository {
    let db: any Database
    let principal: Principal

    func isVisible(kind: String, actorID: UUID?, regions: String?) -> Bool {
        if ImportKind(rawValue: kind)?.isReferenceData ?? true { return principal.role == .admin }
        if principal.role == .admin { return true }
        if let actorID, actorID == principal.userID { return true }
        return principal.scope.coversAll(regions: Self.regions(regions))
    }

    static func regions(_ text: String?) -> Set<String> {
        Set((text ?? "").split(separator: ",").map(String.init))
    }

    func run(_ id: UUID) async throws -> ImportRun? {
        guard let run = try await ImportRun.find(id, on: db),
              isVisible(kind: run.kind, actorID: run.actorID, regions: run.regions) else { return nil }
        return run
    }

    /// The job and its payload, when visible.
    func job(_ id: UUID) async throws -> (Job, ImportJobPayload)? {
        guard let job = try await Job.find(id, on: db), job.kind == JobRunner.importKind,
              let payload = try? JSONText.decode(ImportJobPayload.self, from: job.payload),
              isVisible(kind: payload.kind.rawValue, actorID: job.actorID, regions: job.regions) else { return nil }
        return (job, payload)
    }

    /// The latest finished imports visible to the user.
    func recentRuns(limit: Int = 100) async throws -> [ImportRun] {
        var query = ImportRun.query(on: db).sort(\.$startedAt, .descending)
        if principal.role != .admin {
            query = query.filter(\.$kind !~ ImportKind.allCases.filter(\.isReferenceData).map(\.rawValue))
        }
        var visible: [ImportRun] = []
        var offset = 0
        // Region subsets are checked here, not in SQL: read in pages until the list is full.
        while visible.count < limit {
            let page = try await query.copy().range(offset..<(offset + 500)).all()
            visible += page.filter { isVisible(kind: $0.kind, actorID: $0.actorID, regions: $0.regions) }
            if page.count < 500 { break }
            offset += 500
        }
        return Array(visible.prefix(limit))
    }

    /// Jobs not finished yet (queued, running, waiting for a mapping or a confirmation).
    func openJobs(limit: Int = 50) async throws -> [(Job, ImportJobPayload)] {
        let jobs = try await Job.query(on: db).filter(\.$kind == JobRunner.importKind)
            .filter(\.$state ~~ [JobState.queued, .running, .awaitingMapping, .awaitingConfirmation].map(\.rawValue))
            .sort(\.$createdAt, .descending).limit(500).all()
        return jobs.compactMap { job in
            guard let payload = try? JSONText.decode(ImportJobPayload.self, from: job.payload),
                  isVisible(kind: payload.kind.rawValue, actorID: job.actorID, regions: job.regions) else { return nil }
            return (job, payload)
        }.prefix(limit).map { $0 }
    }
}
