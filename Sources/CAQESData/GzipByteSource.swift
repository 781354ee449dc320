import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes of a `.gz` file, decompressed by the system `gzip` in a child process.
///
/// Foundation has no zlib binding on Linux; the child process also decompresses on the second
/// core while the reader tokenizes on the first.
///
/// Inflated bytes are counted as they are read: past `limits.maximumInflatedBytes`, or past
/// `limits.maximumRatio` times the compressed size (once over `limits.ratioFloor`), the file is
/// refused and the child process is killed (a gzip bomb never fills the disk or the memory).
public final class GzipByteSource: CSVByteSource {
    let process: Process
    let pipe: Pipe
    let output: FileByteSource
    let path: String
    let limits: ReadLimits
    /// Size of the `.gz` file on disk.
    let compressedBytes: Int
    /// Inflated bytes allowed: the smaller of the total cap and the ratio allowance.
    let allowedBytes: Int
    /// Inflated bytes handed out so far.
    private(set) var inflatedBytes = 0
    /// Unknown: only the compressed size is known.
    public var totalBytes: Int? { nil }

    public init(path: String, limits: ReadLimits = .standard) throws(CSVError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable("fichier introuvable (\(path))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        self.limits = limits
        compressedBytes = size
        allowedBytes = min(limits.maximumInflatedBytes, limits.ratioAllowance(compressed: size))
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

    deinit { stop() }

    /// Ends the child process and reaps it. SIGKILL, not SIGTERM: a child started from a Dispatch
    /// worker thread inherits its signal mask, where SIGTERM is blocked, and would then wait for
    /// ever on the full pipe while this waits for it.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        let count = try output.read(into: buffer)
        inflatedBytes += count
        if inflatedBytes > allowedBytes { throw refuse() }
        if count == 0 {
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                throw .unreadable("archive gzip corrompue ou tronquée (\(path))")
            }
        }
        return count
    }

    /// Kills the child process and says which limit the file passed.
    func refuse() -> CSVError {
        stop()
        let name = (path as NSString).lastPathComponent
        if allowedBytes == limits.maximumInflatedBytes {
            return .refused("\(name) se décompresse en plus de \(ReadLimits.size(allowedBytes)) (limite par fichier compressé)")
        }
        return .refused("\(name) se décompresse en plus de \(ReadLimits.size(allowedBytes)) "
            + "pour \(ReadLimits.size(compressedBytes)) compressés (rapport supérieur à \(limits.maximumRatio):1, archive piégée)")
    }

    /// Whether the file starts with the gzip signature `1F 8B`.
    static func isGzip(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        return head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
    }
}
