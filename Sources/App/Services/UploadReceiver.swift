import Fluent
import MultipartKit
import NIOCore
import Vapor

/// The one upload path: a `multipart/form-data` body read as it streams in, its text fields kept
/// (small, bounded), its file written straight into the file store with its SHA-256. Routes that
/// use it declare `body: .stream`, so CSRF and access checks run before any byte is read.
struct ReceivedUpload: Sendable {
    var fields: [String: String]
    var fileName: String?
    var fileSHA256: String?
    var fileSize: Int
}

enum UploadReceiver {
    static let maxFields = 64
    static let maxFieldBytes = 8 * 1024

    static func receive(_ req: Request, fileField: String = "fichier") async throws -> ReceivedUpload {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 200 else {
            throw UserFacingError(.badRequest, "Envoi mal formé : un formulaire multipart/form-data est attendu.")
        }
        let limit = req.application.caqesSettings.maxUploadBytes
        let store = req.application.fileStore
        let parser = MultipartParser(boundary: boundary)
        final class State: @unchecked Sendable {
            var headers: [String: String] = [:]
            var field = ByteBuffer()
            var fields: [String: String] = [:]
            var file: IncomingFile?
            var fileName: String?
            /// File bytes parsed but not yet written: written off the event loop after each chunk.
            var pending = ByteBuffer()
            var error: (any Error)?
            var inFile = false
        }
        let state = State()
        parser.onHeader = { name, value in state.headers[name.lowercased()] = value }
        parser.onBody = { buffer in
            guard state.error == nil else { return }
            let disposition = state.headers["content-disposition"] ?? ""
            let name = Self.parameter("name", in: disposition)
            let filename = Self.parameter("filename", in: disposition)
            if name == fileField, let filename {
                do {
                    if state.file == nil {
                        state.file = try IncomingFile(store: store, limit: limit)
                        state.fileName = filename
                    }
                    state.inFile = true
                    state.pending.writeBuffer(&buffer)
                } catch { state.error = error }
            } else {
                guard state.field.readableBytes + buffer.readableBytes <= Self.maxFieldBytes else {
                    state.error = UserFacingError(.badRequest, "Champ « \(name ?? "?") » trop long (\(Self.maxFieldBytes / 1024) Kio au plus).")
                    return
                }
                state.field.writeBuffer(&buffer)
            }
        }
        parser.onPartComplete = {
            let disposition = state.headers["content-disposition"] ?? ""
            if let name = Self.parameter("name", in: disposition), !state.inFile {
                if state.fields.count >= Self.maxFields {
                    state.error = state.error ?? UserFacingError(.badRequest, "Trop de champs dans le formulaire.")
                } else {
                    state.fields[name] = state.field.readString(length: state.field.readableBytes) ?? ""
                }
            }
            state.headers = [:]
            state.field.clear()
            state.inFile = false
        }
        do {
            let threadPool = req.application.threadPool
            for try await chunk in req.body {
                try parser.execute(chunk)
                if let error = state.error { throw error }
                // Disk writes and hashing run on the thread pool, never on the event loop.
                if let file = state.file, state.pending.readableBytes > 0 {
                    let bytes = state.pending
                    state.pending = ByteBuffer()
                    try await threadPool.runIfActive { try bytes.withUnsafeReadableBytes { try file.write($0) } }
                }
            }
        } catch {
            state.file?.discard()
            if error is UserFacingError || (error as? any AbortError)?.status == .payloadTooLarge { throw error }
            throw UserFacingError(.badRequest, "Envoi interrompu ou mal formé : renvoyez le fichier.")
        }
        var upload = ReceivedUpload(fields: state.fields, fileName: state.fileName, fileSHA256: nil, fileSize: 0)
        if let file = state.file {
            if file.size == 0 {
                file.discard()
            } else {
                upload.fileSHA256 = try await file.finish(into: store, db: req.db, at: req.now)
                upload.fileSize = file.size
            }
        }
        return upload
    }

    /// `name="x"` in a Content-Disposition header.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix(key + "=") else { continue }
            var value = String(pair.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
