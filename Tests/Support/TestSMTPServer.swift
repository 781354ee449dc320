import Foundation
import NIOCore
import NIOPosix

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// One message as received and parsed by the Python server (Resources/smtp_server.py).
public struct ReceivedMail: Decodable, Sendable {
    public var mail_from: String
    public var rcpt_tos: [String]
    public var raw_b64: String
    public var subject: String
    public var from: String
    public var to: String
    public var body: String
    public var defects: [String]
    public var tls: Bool
    public var auth: String?

    public var raw: [UInt8] { Array(Data(base64Encoded: raw_b64) ?? Data()) }
}

/// A real aiosmtpd server in a child process, one per test. Stopped by closing its stdin.
public final class TestSMTPServer {
    let process: Process
    let stdinPipe: Pipe
    public let port: Int
    public let directory: URL

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Resources/smtp_server.py")

    /// Fails (never skips) when python3 or aiosmtpd is missing.
    public static func requireAiosmtpd() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import aiosmtpd"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        do {
            try check.run()
            check.waitUntilExit()
        } catch {
            throw TestSetupError(description: "python3 is required for the SMTP tests: \(error)")
        }
        guard check.terminationStatus == 0 else {
            throw TestSetupError(description: "aiosmtpd is not installed: run `pip install aiosmtpd` (the SMTP tests need a real server)")
        }
    }

    public init(tls: String? = nil, auth: String? = nil, loginOnly: Bool = false) throws {
        try Self.requireAiosmtpd()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("caqes-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["python3", Self.script.path, "--dir", directory.path]
        if let tls { arguments += ["--tls", tls] }
        if let auth { arguments += ["--auth", auth] }
        if loginOnly { arguments.append("--no-plain") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        stdinPipe = Pipe()
        let stdout = Pipe()
        let stderrFile = directory.appendingPathComponent("server.stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardInput = stdinPipe
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        // Read the "READY <port>" line (blocking; the script fails fast if it cannot start).
        var output = ""
        while !output.contains("\n") {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += String(decoding: chunk, as: UTF8.self)
        }
        let line = output.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
            process.terminate()
            let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw TestSetupError(description: "test SMTP server did not start: \(output) \(stderr)")
        }
        self.port = port
    }

    public func messages() throws -> [ReceivedMail] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return try files.map {
            try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    public func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// A TCP server that accepts connections and never says anything (for timeouts).
public func startSilentServer(group: any EventLoopGroup) async throws -> any Channel {
    try await ServerBootstrap(group: group)
        .bind(host: "127.0.0.1", port: 0).get()
}

/// A port on which nothing listens (bound then closed).
public func unusedPort(group: any EventLoopGroup) async throws -> Int {
    let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress!.port!
    try await channel.close()
    return port
}
