import Vapor

/// Gives every request an id (kept from `X-Request-Id` when the proxy set one) and puts it in
/// the logger metadata, so every log line of a request can be found together.
struct RequestIDMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let incoming = request.headers.first(name: "X-Request-Id").flatMap { $0.count <= 64 ? $0 : nil }
        let id = incoming ?? UUID().uuidString.lowercased()
        request.logger[metadataKey: "request-id"] = .string(id)
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: id)
        return response
    }
}
