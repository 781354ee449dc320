import App
import Foundation
import Logging
import Vapor

// Entry point only: everything else lives in App.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
// Resources/ and Public/ are found from anywhere: CAQES_HOME, the working directory, or beside the binary.
app.useInstallationDirectory()
if CommandLine.arguments.dropFirst().first == "demo" {
    app.caqesDefaultDatabaseFile = "caqes-demo.sqlite"
}
do {
    try await configure(app)
    // As Application.execute(), without logging the error a second time: it is printed once, in French.
    try await app.startup()
    try await app.running?.onStop.get()
    try await app.asyncShutdown()
} catch {
    var message = (error as? any CustomStringConvertible)?.description ?? String(describing: error)
    // ConsoleKit's own usage errors are in English: say them in French (D22).
    if message.hasPrefix("Unknown command") {
        message = "commande inconnue : " + message.dropFirst("Unknown command".count).trimmingCharacters(in: .whitespaces)
            + " (caqes --help liste les commandes)"
    } else if message.hasPrefix("Missing required argument") {
        message = "argument obligatoire manquant : " + message.dropFirst("Missing required argument:".count).trimmingCharacters(in: .whitespaces)
    } else if message.hasPrefix("Input not recognized") {
        message = "option ou argument non reconnu : " + message.dropFirst("Input not recognized:".count).trimmingCharacters(in: .whitespaces)
    }
    FileHandle.standardError.write(Data("Erreur : \(message)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
