import CAQESCore
import CAQESData
import Vapor

/// Turns every error into a French answer: a page for browsers, `{"erreur": …}` for the API.
/// This is the one place where errors become HTTP statuses: handlers throw domain errors (a
/// procedure step not allowed now, a refused catalogue, an unreadable file) as they are, and
/// `describe` gives each its status and its French message.
struct FrenchErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await render(error, for: request)
        }
    }

    private func render(_ error: any Error, for request: Request) async -> Response {
        var (status, message) = Self.describe(error)
        if status == .payloadTooLarge {
            message = "Fichier trop volumineux : la limite est de \(request.application.caqesSettings.maxUploadBytes / 1_000_000) Mo. Découpez le fichier ou demandez à l'administrateur d'augmenter CAQES_MAX_UPLOAD_MB."
        }
        if status.code >= 500 {
            request.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
        } else {
            request.logger.info("request refused", metadata: ["status": .stringConvertible(status.code)])
        }
        if Self.wantsJSON(request) {
            let body = ErrorBody(erreur: message, statut: Int(status.code))
            let response = Response(status: status)
            try? response.content.encode(body)
            return response
        }
        let context = ErrorPage(
            layout: LayoutContext(request: request, title: Self.title(for: status)),
            status: Int(status.code),
            title: Self.title(for: status),
            message: message
        )
        do {
            let view = try await request.view.render("errors/error", context)
            let response = try await view.encodeResponse(status: status, for: request)
            return response
        } catch {
            let response = Response(status: status, body: .init(string: "\(Self.title(for: status)) — \(message)"))
            response.headers.contentType = .plainText
            return response
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.url.path.hasPrefix("/api/") || request.headers.accept.first?.mediaType == .json
    }

    /// Status and French message for any error.
    static func describe(_ error: any Error) -> (HTTPResponseStatus, String) {
        switch error {
        case let error as UserFacingError:
            return (error.status, error.message)
        case let error as ValidationsError:
            return (.badRequest, "Formulaire invalide : " + error.description)
        case let error as any AbortError:
            return (error.status, defaultMessage(for: error.status, reason: error.reason))
        case is DecodingError:
            return (.badRequest, "Requête mal formée : un champ est manquant ou n'a pas le format attendu.")
        // Domain errors: what the user asked cannot be done as asked (422), or not now (409).
        case let error as ProcedureError:
            return (.conflict, error.description)
        case let error as CatalogueError:
            return (.unprocessableEntity, error.description)
        case let error as IncentiveError:
            return (.unprocessableEntity, error.description)
        case let error as TargetingError:
            return (.unprocessableEntity, error.description)
        case let error as FormulaError:
            return (.unprocessableEntity, error.description)
        case let error as GridError:
            return (.unprocessableEntity, error.description)
        case let error as FINESSError:
            return (.unprocessableEntity, error.description)
        case let error as LocalDateError:
            return (.unprocessableEntity, error.description)
        case let error as CSVError:
            return (.unprocessableEntity, error.description)
        case let error as XLSXError:
            return (.unprocessableEntity, error.description)
        case let error as MappingError:
            return (.unprocessableEntity, error.description)
        default:
            return (.internalServerError, defaultMessage(for: .internalServerError, reason: nil))
        }
    }

    static func defaultMessage(for status: HTTPResponseStatus, reason: String?) -> String {
        switch status.code {
        case 400: return "Requête invalide."
        case 401: return "Authentification requise : connectez-vous, ou fournissez un jeton d'API valide."
        case 403: return "Accès refusé : votre rôle ne permet pas d'ouvrir cette page."
        case 404: return "Page introuvable : l'adresse n'existe pas, ou vous n'y avez pas accès."
        case 405: return "Méthode non autorisée pour cette adresse."
        case 413: return "Fichier trop volumineux."
        case 429: return "Trop de requêtes : réessayez plus tard."
        case 500...: return "Erreur interne : l'incident a été journalisé. Réessayez, ou contactez l'administrateur."
        default: return "Erreur \(status.code)."
        }
    }

    static func title(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "Requête invalide"
        case 401: "Connexion requise"
        case 403: "Accès refusé"
        case 404: "Page introuvable"
        case 409: "Conflit"
        case 413: "Fichier trop volumineux"
        case 422: "Données refusées"
        case 429: "Trop de tentatives"
        default: status.code >= 500 ? "Erreur interne" : "Erreur"
        }
    }
}

struct ErrorBody: Content {
    let erreur: String
    let statut: Int
}

/// An error whose French message is meant for the user, with the HTTP status that fits.
struct UserFacingError: Error, CustomStringConvertible {
    let status: HTTPResponseStatus
    let message: String

    init(_ status: HTTPResponseStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    static func notFound() -> UserFacingError {
        UserFacingError(.notFound, FrenchErrorMiddleware.defaultMessage(for: .notFound, reason: nil))
    }

    static func forbidden() -> UserFacingError {
        UserFacingError(.forbidden, FrenchErrorMiddleware.defaultMessage(for: .forbidden, reason: nil))
    }
}
