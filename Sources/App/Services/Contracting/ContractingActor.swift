import CAQESCore
import Fluent
import Vapor

/// Who acts on campaigns and contracts, with the scope the repositories enforce, and when.
/// Built from a request (pages, API) or for the platform itself (deadline jobs, the demo).
struct ContractingActor: Sendable {
    let userID: UUID?
    let label: String
    let role: Role?
    let scope: AccessScope
    let isLegalRepresentative: Bool
    let address: String?
    /// An expert's body (the indicators they review).
    var expertBody: ReviewBody? = nil

    init(principal: Principal, address: String?) {
        userID = principal.userID
        label = principal.actorLabel
        role = principal.role
        scope = principal.scope
        isLegalRepresentative = principal.isLegalRepresentative
        self.address = address
        expertBody = principal.expertBody
    }

    init(userID: UUID?, label: String, role: Role?, scope: AccessScope, isLegalRepresentative: Bool = false, address: String? = nil) {
        self.userID = userID
        self.label = label
        self.role = role
        self.scope = scope
        self.isLegalRepresentative = isLegalRepresentative
        self.address = address
    }

    /// The platform: deadline jobs act as it, over every record.
    static let platform = ContractingActor(userID: nil, label: "plateforme", role: nil, scope: .all)

    var audit: AuditActor { AuditActor(id: userID, label: label) }
    var procedureActor: ProcedureActor { ProcedureActor(id: userID, label: label, role: role) }
}

/// Legal dates are French civil dates (D17).
enum LegalClock {
    static let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt

    static func today(_ now: Date) -> LocalDate { LocalDate(instant: now, timeZone: paris) }
}

/// Amounts in the API: a decimal with a point and two decimals (D29), read exactly.
enum APIAmount {
    static func parse(_ text: String, field: String) throws -> Decimal {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, trimmed.count <= 20, (1...2).contains(parts.count),
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[0].isEmpty,
              parts.count == 1 || (parts[1].count <= 2 && !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }),
              let value = Decimal(stored: trimmed) else {
            throw UserFacingError(.unprocessableEntity, "« \(field) » : montant « \(text.prefix(30)) » illisible (attendu : un nombre positif avec un point et au plus deux décimales, ex. « 80000000.00 »).")
        }
        return value
    }

    static func text(_ value: Decimal) -> String {
        let rounded = Money.roundToCent(value)
        var text = rounded.description
        if !text.contains(".") { text += ".00" }
        let decimals = text.split(separator: ".")[1].count
        if decimals == 1 { text += "0" }
        return text
    }
}

extension Decimal {
    /// A decimal as the platform stores and the API writes it (amounts, rates, products: a point,
    /// no grouping), read back exactly. The one reader of such texts; French input goes through
    /// `FrenchNumber`.
    init?(stored text: String) { self.init(string: text, locale: Locale(identifier: "en_US_POSIX")) }
}

/// Dates in the API: ISO `AAAA-MM-JJ` (D29).
enum APIDate {
    static func parse(_ text: String?, field: String) throws -> LocalDate? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count == 10, let date = try? LocalDate(text), date.iso == text else {
            throw UserFacingError(.unprocessableEntity, "« \(field) » : date « \(text.prefix(30)) » invalide (attendu : AAAA-MM-JJ).")
        }
        return date
    }

    static func require(_ text: String?, field: String) throws -> LocalDate {
        guard let date = try parse(text, field: field) else {
            throw UserFacingError(.unprocessableEntity, "« \(field) » est obligatoire (date AAAA-MM-JJ).")
        }
        return date
    }
}
