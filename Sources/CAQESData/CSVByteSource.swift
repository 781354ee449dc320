#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `CSVReader` gets its bytes: a file, memory, or anything else (a pipe from `gzip -dc`).
public protocol CSVByteSource {
    /// Fills the start of `buffer`; returns the number of bytes written, 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int
    /// Total size when known (for progress bars).
    var totalBytes: Int? { get }
}

/// Bytes already in memory.
public struct MemoryByteSource: CSVByteSource {
    let bytes: [UInt8]
    var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var totalBytes: Int? { bytes.count }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        if count > 0 {
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
        }
        return count
    }
}

/// A file descriptor read with POSIX `read`; closes it when done if it opened it.
public final class FileByteSource: CSVByteSource {
    let fd: Int32
    let ownsDescriptor: Bool
    public let totalBytes: Int?

    /// Opens `path` for reading.
    public init(path: String) throws(CSVError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "fichier introuvable" : String(cString: strerror(errno))
            throw .unreadable("\(reason) (\(path))")
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .unreadable("c'est un dossier (\(path))")
        }
        self.fd = fd
        self.ownsDescriptor = true
        self.totalBytes = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    /// Reads an already open descriptor (a pipe, standard input); the caller keeps ownership.
    public init(fileDescriptor: Int32) {
        self.fd = fileDescriptor
        self.ownsDescriptor = false
        var info = stat()
        self.totalBytes = fstat(fileDescriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            ? Int(info.st_size) : nil
    }

    deinit { if ownsDescriptor { close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        while true {
            #if canImport(Darwin)
            let count = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #elseif canImport(Musl)
            let count = Musl.read(fd, buffer.baseAddress, buffer.count)
            #else
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .unreadable(String(cString: strerror(errno)))
        }
    }
}
