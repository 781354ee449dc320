import Vapor

/// Refuses a request body over the upload limit with 413 before anything reads it: by its
/// declared length, or by what was already received.
struct UploadLimitMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limit = request.application.caqesSettings.maxUploadBytes
        if let declared = request.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            throw Abort(.payloadTooLarge)
        }
        if let body = request.body.data, body.readableBytes > limit {
            throw Abort(.payloadTooLarge)
        }
        return try await next.respond(to: request)
    }
}
