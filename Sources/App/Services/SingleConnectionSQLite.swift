import Fluent
import NIOCore

/// SQLite through one connection for the whole application, whatever event loop asks.
///
/// The SQLite driver keeps one connection per event loop, and two connections writing at once
/// make the second spin in SQLite's busy handler on a thread of the shared pool; with every pool
/// thread spinning, the writer holding the lock can never finish (seen in the test suite). SQLite
/// has one writer at a time anyway: one connection, handed to one request or job at a time, is
/// the honest model. PostgreSQL keeps its pool.
struct SingleConnectionConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let eventLoop: any EventLoop

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        SingleConnectionDriver(base: base.makeDriver(for: databases), eventLoop: eventLoop)
    }
}

struct SingleConnectionDriver: DatabaseDriver {
    let base: any DatabaseDriver
    let eventLoop: any EventLoop

    func makeDatabase(with context: DatabaseContext) -> any Database {
        base.makeDatabase(with: DatabaseContext(configuration: context.configuration, logger: context.logger, eventLoop: eventLoop,
                                                history: context.history, pageSizeLimit: context.pageSizeLimit,
                                                shouldTrace: context.shouldTrace))
    }

    func shutdown() { base.shutdown() }
    func shutdownAsync() async { await base.shutdownAsync() }
}
