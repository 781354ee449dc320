#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes `from..<to` of a file, after `prefix` (the header line, so a range reads as a CSV file of
/// its own). Read with `pread`, so ranges of one file are read by several threads at once.
final class FileRangeByteSource: CSVByteSource {
    let fd: Int32
    let prefix: [UInt8]
    var prefixOffset = 0
    var position: Int
    let to: Int

    init(path: String, from: Int, to: Int, prefix: [UInt8]) throws(CSVError) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable("\(String(cString: strerror(errno))) (\(path))") }
        self.prefix = prefix
        self.position = from
        self.to = to
    }

    deinit { close(fd) }

    var totalBytes: Int? { prefix.count + to - position }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        if prefixOffset < prefix.count {
            let count = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + prefixOffset, byteCount: count)
            }
            prefixOffset += count
            return count
        }
        let wanted = min(buffer.count, to - position)
        if wanted <= 0 { return 0 }
        while true {
            let count = pread(fd, buffer.baseAddress, wanted, off_t(position))
            if count >= 0 {
                position += count
                return count
            }
            if errno == EINTR { continue }
            throw .unreadable(String(cString: strerror(errno)))
        }
    }

    /// Size of a regular file, nil for anything else (pipes, directories).
    static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Offsets just after the first LF at or after each of `targets`, nil past the end; also the
    /// bytes of the first line (LF included).
    static func lineStarts(_ path: String, after targets: [Int]) throws(CSVError) -> (header: [UInt8], starts: [Int?]) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable("\(String(cString: strerror(errno))) (\(path))") }
        defer { close(fd) }
        var window = [UInt8](repeating: 0, count: 1 << 16)
        func firstLF(from offset: Int) -> Int? {
            var position = offset
            while true {
                let count = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
                if count <= 0 { return nil }
                if let k = window[0..<count].firstIndex(of: 0x0A) { return position + k }
                position += count
            }
        }
        guard let headerEnd = firstLF(from: 0) else { return ([], targets.map { _ in nil }) }
        var header = [UInt8](repeating: 0, count: headerEnd + 1)
        _ = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let starts = targets.map { target in firstLF(from: max(target, headerEnd + 1)).map { $0 + 1 } }
        return (header, starts)
    }
}
