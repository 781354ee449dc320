import Fluent
import NIOConcurrencyHelpers
import Vapor

/// Runs jobs in this instance: it drains the queue when this instance enqueues something, and a
/// server also polls for jobs enqueued elsewhere, requeues jobs of instances that died, and
/// cleans up abandoned uploads. Any number of instances may run one.
actor JobWorker {
    let app: Application
    let instance = "instance-\(UUID().uuidString.lowercased().prefix(8))"
    private var draining: Task<Void, Never>?
    private var wakeAgain = false
    private var polling: Task<Void, Never>?
    private var stopped = false

    init(app: Application) { self.app = app }

    /// Something was enqueued: run the queue now (here, unless another instance is faster).
    func kick() {
        guard !stopped else { return }
        if draining != nil { wakeAgain = true; return }
        draining = Task { await self.drain() }
    }

    private func drain() async {
        repeat {
            wakeAgain = false
            while !stopped, let job = await claimNext() {
                await JobRunner.run(job, app: app, instance: instance)
            }
        } while wakeAgain && !stopped
        draining = nil
    }

    private func claimNext() async -> Job? {
        do {
            return try await JobQueue.claim(instance: instance, at: app.clock.now(), on: app.db)
        } catch {
            app.logger.error("job claim failed", metadata: ["error": .string(String(reflecting: error))])
            return nil
        }
    }

    /// Servers poll: jobs of other instances, stale claims, cleanup.
    func startPolling(every interval: Duration = .seconds(2)) {
        guard polling == nil, !stopped else { return }
        polling = Task {
            var lastCleanup = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                do {
                    try await JobQueue.requeueStale(at: app.clock.now(), except: instance,
                                                    after: app.caqesSettings.jobStaleSeconds, on: app.db)
                    try await Outbox.sendDue(app: app)
                    if ContinuousClock.now - lastCleanup > .seconds(3600) {
                        let removed = try await JobQueue.cleanUp(store: app.fileStore, at: app.clock.now(), on: app.db)
                        if removed > 0 { app.logger.info("file store cleaned", metadata: ["files": .stringConvertible(removed)]) }
                        lastCleanup = ContinuousClock.now
                    }
                } catch {
                    app.logger.warning("job polling failed", metadata: ["error": .string(String(reflecting: error))])
                }
                kick()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Stops polling and waits for the job under way to finish.
    func shutdown() async {
        stopped = true
        polling?.cancel()
        await polling?.value
        await draining?.value
    }
}

extension Application {
    private struct WorkerKey: StorageKey { typealias Value = JobWorker }

    /// This instance's job worker (made at configure time).
    var jobWorker: JobWorker {
        get { storage[WorkerKey.self]! }
        set { storage[WorkerKey.self] = newValue }
    }
}

/// Starts polling when a server boots, and lets the job under way finish at shutdown.
struct JobWorkerLifecycle: LifecycleHandler {
    let poll: Bool

    func didBootAsync(_ application: Application) async throws {
        if poll { await application.jobWorker.startPolling() }
    }

    func shutdownAsync(_ application: Application) async {
        await application.jobWorker.shutdown()
    }
}
