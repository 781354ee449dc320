import Foundation

/// Runs LibreOffice headless to convert a workbook, as a user's copy of Calc would open it.
public enum LibreOffice {
    public static let path: String? = [
        "/usr/bin/libreoffice", "/usr/bin/soffice", "/usr/local/bin/libreoffice", "/usr/local/bin/soffice",
        "/opt/homebrew/bin/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ].first { FileManager.default.isExecutableFile(atPath: $0) }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Converts every sheet of `file` to `;`-separated UTF-8 CSV, formatted as shown; returns
    /// each sheet's text by sheet name. The profile lives in `directory` (HOME too), so a
    /// running LibreOffice or a locked profile cannot interfere.
    public static func convertToCSV(_ file: URL, in directory: URL, timeout: TimeInterval = 120) throws -> [String: String] {
        guard let path else { throw Failure(description: "LibreOffice absent") }
        let output = directory.appendingPathComponent("csv")
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("libreoffice.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // Separator ;, quote ", UTF-8, from line 1, as shown, every sheet to its own file (-1).
        process.arguments = [
            "--headless", "--norestore", "-env:UserInstallation=" + home.appendingPathComponent("profile").absoluteString,
            "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir", output.path, file.path,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        process.environment = environment
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "LibreOffice n'a pas converti le classeur en \(Int(timeout)) s")
        }
        let messages = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "LibreOffice a échoué (\(process.terminationStatus)) : \(messages)")
        }
        // Files are named `export-<sheet>.csv`.
        let prefix = file.deletingPathExtension().lastPathComponent + "-"
        var sheets: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output.path) where name.hasSuffix(".csv") {
            let sheet = String(name.dropFirst(prefix.count).dropLast(4)).precomposedStringWithCanonicalMapping
            sheets[sheet] = try String(contentsOf: output.appendingPathComponent(name), encoding: .utf8)
        }
        guard !sheets.isEmpty else { throw Failure(description: "LibreOffice n'a écrit aucun CSV : \(messages)") }
        return sheets
    }
}
