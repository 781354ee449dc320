import App
import Foundation
import Logging
import Vapor

// Entry point only: everything else lives in App.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
if CommandLine.arguments.dropFirst().first == "demo" {
    app.caqesDefaultDatabaseFile = "caqes-demo.sqlite"
}
do {
    try await configure(app)
    try await app.execute()
    try await app.asyncShutdown()
} catch {
    let message = (error as? any CustomStringConvertible)?.description ?? String(describing: error)
    app.logger.report(error: error)
    FileHandle.standardError.write(Data("Erreur : \(message)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
