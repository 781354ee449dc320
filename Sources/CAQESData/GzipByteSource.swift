import Foundation

/// Bytes of a `.gz` file, decompressed by the system `gzip` in a child process.
///
/// Foundation has no zlib binding on Linux; the child process also decompresses on the second
/// core while the reader tokenizes on the first.
public final class GzipByteSource: CSVByteSource {
    let process: Process
    let pipe: Pipe
    let output: FileByteSource
    let path: String
    /// Unknown: only the compressed size is known.
    public var totalBytes: Int? { nil }

    public init(path: String) throws(CSVError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable("fichier introuvable (\(path))")
        }
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip", "/usr/local/bin/gzip"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw .unreadable("fichier compressé (gzip) et programme gzip absent : décompressez-le avant l'import")
        }
        self.path = path
        process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", "--", path]
        pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .unreadable("décompression impossible (\(path))")
        }
        output = FileByteSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        let count = try output.read(into: buffer)
        if count == 0 {
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                throw .unreadable("archive gzip corrompue ou tronquée (\(path))")
            }
        }
        return count
    }

    /// Whether the file starts with the gzip signature `1F 8B`.
    static func isGzip(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        return head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
    }
}
