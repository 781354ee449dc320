import CAQESCore
import Vapor

/// The fields of an act, from a JSON body (API), a form, or a multipart form with its piece
/// (proof of receipt, CME minutes, observations) received through the one upload path.
struct ActInput: Content {
    var type: String?
    var date: String?
    var texte: String?
    var observation: String?
    var mot_de_passe: String?
    var nouvelle_echeance: String?
    var signataire: String?

    /// The file field of an act's form.
    static let pieceField = "piece"

    /// Reads the act from a streamed request: multipart (with its piece stored by SHA-256) or a
    /// small JSON / form body (64 KiB at most).
    static func read(_ req: Request) async throws -> (ActInput, piece: String?) {
        if let type = req.headers.contentType, type.type == "multipart" {
            let upload = try await UploadReceiver.receive(req, fileField: pieceField)
            let f = upload.fields
            return (ActInput(type: f["type"], date: f["date"], texte: f["texte"], observation: f["observation"], mot_de_passe: f["mot_de_passe"],
                             nouvelle_echeance: f["nouvelle_echeance"], signataire: f["signataire"]), upload.fileSHA256)
        }
        if req.body.data == nil {
            _ = try await req.body.collect(max: CSRFMiddleware.formBodyLimit).get()
        }
        do {
            return (try req.content.decode(ActInput.self), nil)
        } catch {
            throw UserFacingError(.unprocessableEntity, "Corps de requête illisible : JSON attendu (Content-Type: application/json) avec des champs du bon type.")
        }
    }

    func request(file: String?) -> ContractService.ActRequest {
        func clean(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        return .init(type: String((type ?? "").prefix(40)), date: clean(date), texte: texte,
                     observation: observation.flatMap(UUID.init(uuidString:)), password: mot_de_passe,
                     newLastDay: clean(nouvelle_echeance), signatory: clean(signataire), file: file)
    }
}
