import Foundation

/// Writes each message as `<directory>/<timestamp>-<message-id>.eml` (the bytes of `rfc5322()`),
/// atomically (temporary file in the same directory, then rename). For development and archives.
public struct FileMailTransport: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Writes the message and returns the path of the `.eml` file. The timestamp is the message's
    /// date in UTC (`yyyyMMdd'T'HHmmss'Z'`), so file names sort chronologically.
    @discardableResult
    public func send(_ message: MailMessage) throws -> String {
        try message.validate()
        let name = "\(Self.timestamp(message.date))-\(Self.sanitize(message.bareMessageID)).eml"
        let target = directory.appendingPathComponent(name)
        let temp = directory.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(message.rfc5322()).write(to: temp)
            if rename(temp.path, target.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: temp)
                throw MailError.fileWriteFailed(path: target.path, reason: reason)
            }
        } catch let error as MailError {
            throw error
        } catch {
            try? fm.removeItem(at: temp)
            throw MailError.fileWriteFailed(path: target.path, reason: error.localizedDescription)
        }
        return target.path
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// Keeps `[A-Za-z0-9._-]`, maps everything else to `_`, at most 100 characters, never starts with ".".
    static func sanitize(_ id: String) -> String {
        var s = String(id.unicodeScalars.map { scalar -> Character in
            let ok = (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || scalar == "." || scalar == "-" || scalar == "_"
            return ok ? Character(scalar) : "_"
        }.prefix(100))
        while s.hasPrefix(".") { s = "_" + s.dropFirst() }
        return s.isEmpty ? "message" : s
    }
}
