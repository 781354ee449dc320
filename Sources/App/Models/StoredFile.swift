import Fluent
import Foundation

/// A file in the file store, by SHA-256: an upload, a piece of evidence, a generated document.
final class StoredFile: Model, @unchecked Sendable {
    static let schema = "stored_files"

    /// SHA-256 of the content (hex).
    @ID(custom: "sha256", generatedBy: .user) var id: String?
    @Field(key: "size") var size: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(sha256: String, size: Int, at date: Date) {
        self.id = sha256
        self.size = size
        self.createdAt = date
    }
}
