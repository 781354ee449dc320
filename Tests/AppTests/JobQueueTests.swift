@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Tâches en base")
struct JobQueueTests {
    @Test("a job left running by an instance that died is taken over and finished; a live instance keeps its own")
    func takeOverFromDeadInstance() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            try await createUser(app, "ars@test.caqes.fr", .arsAnalyst, scope: ["32"])
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "ars@test.caqes.fr").first())
            // The file is in the store, the job claimed by an instance that then died.
            let file = try temporaryFile("finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n")
            let incoming = try IncomingFile(store: app.fileStore, limit: 1_000_000)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            try bytes.withUnsafeBytes { try incoming.write($0) }
            let sha = try await incoming.finish(into: app.fileStore, db: app.db, at: app.clock.now())
            let payload = ImportJobPayload(kind: .measures, fileSHA256: sha, fileName: "m.csv", year: nil, mapping: nil, source: nil,
                                           skipUnknown: false, dryRun: false, acceptBadKeys: false, actorID: user.id,
                                           actorLabel: "ars", scope: ScopeCodes(.regions(["32"])), header: nil)
            let job = try await JobQueue.enqueue(kind: JobRunner.importKind, payload: payload, actor: AuditActor(id: user.id, label: "ars"),
                                                 fileSHA256: sha, at: app.clock.now(), on: app.db)
            try await Job.query(on: app.db).filter(\.$id == job.id!)
                .set(\.$state, to: JobState.running.rawValue).set(\.$claimedBy, to: "instance-morte")
                .set(\.$heartbeatAt, to: app.clock.now()).set(\.$attempts, to: 1).update()
            // Its own instance never gives it away; another does, once the heartbeat is stale.
            app.clock.advance(by: JobQueue.staleAfter + 1)
            try await JobQueue.requeueStale(at: app.clock.now(), except: "instance-morte", on: app.db)
            #expect(try await Job.find(job.id, on: app.db)?.state == JobState.running.rawValue)
            try await JobQueue.requeueStale(at: app.clock.now(), except: "instance-vivante", on: app.db)
            #expect(try await Job.find(job.id, on: app.db)?.state == JobState.queued.rawValue)
            await app.jobWorker.kick()
            let done = try await waitForJob(app, job.id!)
            #expect(done.state == JobState.done.rawValue && done.attempts == 2)
            #expect(try await MeasureValueRecord.query(on: app.db).filter(\.$finess == "590780193").count() == 1)
        }
    }

    @Test("a preview nobody confirmed is abandoned after a day, and its file leaves the store")
    func abandonedUploadsAreCleaned() async throws {
        try await withApp { app in
            let incoming = try IncomingFile(store: app.fileStore, limit: 1_000)
            try Data("finess;mesure;annee;valeur\n".utf8).withUnsafeBytes { try incoming.write($0) }
            let sha = try await incoming.finish(into: app.fileStore, db: app.db, at: app.clock.now())
            let payload = ImportJobPayload(kind: .measures, fileSHA256: sha, fileName: "m.csv", year: nil, mapping: nil, source: nil,
                                           skipUnknown: false, dryRun: true, acceptBadKeys: false, actorID: nil,
                                           actorLabel: "x", scope: ScopeCodes(.all), header: nil)
            let job = try await JobQueue.enqueue(kind: JobRunner.importKind, payload: payload, state: .awaitingConfirmation,
                                                 actor: .system, fileSHA256: sha, at: app.clock.now(), on: app.db)
            #expect(try await JobQueue.cleanUp(store: app.fileStore, at: app.clock.now(), on: app.db) == 0)
            #expect(app.fileStore.contains(sha))
            app.clock.advance(by: JobQueue.abandonAfter + 60)
            #expect(try await JobQueue.cleanUp(store: app.fileStore, at: app.clock.now(), on: app.db) == 1)
            #expect(try await Job.find(job.id, on: app.db)?.state == JobState.abandoned.rawValue)
            #expect(!app.fileStore.contains(sha))
            #expect(try await StoredFile.query(on: app.db).count() == 0)
        }
    }
}
