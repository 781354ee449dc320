import Crypto
import Fluent
import Foundation
import NIOCore
import NIOPosix
import Vapor

/// Where files live, by SHA-256: uploads, evidence, generated documents. A directory by
/// default; an object store can implement the same interface.
protocol FileStorage: Sendable {
    /// Moves a finished temporary file into the store under its hash (a no-op if present).
    func adopt(temporary path: String, sha256: String) throws
    /// A local path to read the file from.
    func path(for sha256: String) -> String
    func contains(_ sha256: String) -> Bool
    func remove(_ sha256: String) throws
    /// A new temporary path inside the store's area, for a file being received.
    func temporaryPath() throws -> String
}

/// The directory store: `ROOT/files/ab/abcdef…`, temporary files in `ROOT/tmp/`.
struct DirectoryFileStore: FileStorage {
    let root: String

    func path(for sha256: String) -> String {
        "\(root)files/\(sha256.prefix(2))/\(sha256)"
    }

    func adopt(temporary path: String, sha256: String) throws {
        let target = self.path(for: sha256)
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            try? manager.removeItem(atPath: path)
            return
        }
        try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try manager.moveItem(atPath: path, toPath: target)
    }

    func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: path(for: sha256)) }

    func remove(_ sha256: String) throws {
        if contains(sha256) { try FileManager.default.removeItem(atPath: path(for: sha256)) }
    }

    func temporaryPath() throws -> String {
        let directory = root + "tmp/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + UUID().uuidString.lowercased()
    }
}

extension Application {
    private struct StoreKey: StorageKey { typealias Value = any FileStorage }

    /// The file store (a directory under `CAQES_STORAGE` unless replaced).
    var fileStore: any FileStorage {
        get { storage[StoreKey.self] ?? DirectoryFileStore(root: caqesSettings.storageDirectory) }
        set { storage[StoreKey.self] = newValue }
    }
}

/// A file being written into the store: hashed and counted as it arrives, refused past a limit,
/// never held whole in memory.
final class IncomingFile: @unchecked Sendable {
    let temporaryPath: String
    private let handle: FileHandle
    private var hasher = SHA256()
    private(set) var size = 0
    let limit: Int

    init(store: any FileStorage, limit: Int) throws {
        temporaryPath = try store.temporaryPath()
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil) else {
            throw UserFacingError(.internalServerError, "Impossible d'écrire le fichier reçu dans l'espace de stockage.")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporaryPath))
        self.limit = limit
    }

    /// Appends bytes; throws 413 past the limit (the partial file is removed).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        size += bytes.count
        guard size <= limit else {
            discard()
            throw Abort(.payloadTooLarge)
        }
        hasher.update(bufferPointer: bytes)
        try handle.write(contentsOf: bytes)
    }

    /// Closes the file and moves it into the store; returns its SHA-256.
    func finish(into store: any FileStorage, db: any Database, at date: Date) async throws -> String {
        try handle.close()
        let sha = hasher.finalize().hex
        try store.adopt(temporary: temporaryPath, sha256: sha)
        if try await StoredFile.find(sha, on: db) == nil {
            do { try await StoredFile(sha256: sha, size: size, at: date).create(on: db) } catch {
                // Another instance stored the same content at the same moment: the row is there.
                guard try await StoredFile.find(sha, on: db) != nil else { throw error }
            }
        }
        return sha
    }

    /// Stores bytes made by the platform (a generated document) and returns their SHA-256.
    static func store(_ bytes: [UInt8], in store: any FileStorage, db: any Database, at date: Date) async throws -> String {
        let file = try IncomingFile(store: store, limit: Int.max)
        do {
            try bytes.withUnsafeBytes { try file.write($0) }
            return try await file.finish(into: store, db: db, at: date)
        } catch {
            file.discard()
            throw error
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
