import Foundation
import Vapor

/// Where `Resources/` and `Public/` are: `CAQES_HOME` when set; else the working directory when it
/// holds them; else the nearest folder above the executable that does (a `swift build` tree keeps
/// the binary under `.build/…/`). So `caqes` started from anywhere finds its catalogues, views
/// and reference files.
enum InstallationDirectory {
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                       workingDirectory: String = FileManager.default.currentDirectoryPath,
                       executable: String = CommandLine.arguments.first ?? "") -> String? {
        if let home = environment["CAQES_HOME"], !home.isEmpty { return normalized(home) }
        if holdsResources(workingDirectory) { return normalized(workingDirectory) }
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if holdsResources(url.path) { return normalized(url.path) }
            url.deleteLastPathComponent()
        }
        return nil
    }

    static func holdsResources(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: normalized(path) + "Resources/Reference/departements-france.csv")
    }

    static func normalized(_ path: String) -> String { path.hasSuffix("/") ? path : path + "/" }
}

extension Application {
    /// Points `directory` at the installation (see `InstallationDirectory`), when found.
    public func useInstallationDirectory() {
        guard let root = InstallationDirectory.locate() else { return }
        directory = DirectoryConfiguration(workingDirectory: root)
    }
}
