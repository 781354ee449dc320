import Foundation

/// Who reviews an indicator's self-assessment (DOMAIN B.5.2: OMEDIT, CPias, CRAtb, ORCA, ARS, AM).
public enum ReviewBody: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case ars = "ARS"
    case insurer = "AM"
    case omedit = "OMEDIT"
    case cpias = "CPias"
    case cratb = "CRAtb"
    case orca = "ORCA"

    /// Reads a body as catalogues and accounts write it; case is forgiven.
    public static func parse(_ text: String) -> ReviewBody? {
        allCases.first { $0.rawValue.lowercased() == text.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    public var description: String {
        switch self {
        case .ars: "ARS"
        case .insurer: "Assurance Maladie"
        case .omedit: "OMéDIT"
        case .cpias: "CPias"
        case .cratb: "CRAtb"
        case .orca: "ORCA"
        }
    }
}

/// Whether an indicator's self-assessment needs evidence files.
public enum EvidenceRequirement: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case required = "required"
    case optional = "optional"
    case none = "none"

    public var description: String {
        switch self {
        case .required: "pièce justificative obligatoire"
        case .optional: "pièce justificative facultative"
        case .none: "sans pièce justificative"
        }
    }
}

/// How an indicator is self-assessed and reviewed: the expert body that reviews it, the evidence
/// it needs, and the measures the establishment declares itself (grades, audit counts); the
/// others are prefilled from stored measures. `review:` in a catalogue file.
public struct IndicatorReview: Sendable, Hashable {
    public let reviewer: ReviewBody
    public let evidence: EvidenceRequirement
    /// Measure codes the establishment enters in its self-assessment.
    public let declared: [String]

    public init(reviewer: ReviewBody = .ars, evidence: EvidenceRequirement = .none, declared: [String] = []) {
        self.reviewer = reviewer
        self.evidence = evidence
        self.declared = declared
    }
}

/// A reviewer's decision on one indicator of a self-assessment (API names, D29).
public enum ReviewDecision: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    /// The declared values stand.
    case accepted = "acceptee"
    /// The reviewer sets a new value, with a reason.
    case corrected = "corrigee"
    /// Sent back to the establishment, with a reason: that indicator alone reopens.
    case sentBack = "renvoyee"

    public var description: String {
        switch self {
        case .accepted: "acceptée"
        case .corrected: "corrigée"
        case .sentBack: "renvoyée à l'établissement"
        }
    }
}

/// Where one indicator of a self-assessment stands, as the board shows it.
public enum IndicatorStatus: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case toEnter = "a_saisir"
    case submitted = "soumis"
    case underReview = "en_revue"
    case sentBack = "renvoye"
    case accepted = "accepte"

    /// The status from the form's state and the indicator's last review: nothing submitted yet →
    /// to enter; submitted without a review → submitted, or under review once another indicator
    /// of the form has one; a send-back answered by a new submission → submitted again.
    public static func of(submitted: Bool, lastReview: ReviewDecision?, reviewedAfterLastSubmission: Bool,
                          formUnderReview: Bool) -> IndicatorStatus {
        guard submitted else { return lastReview == .sentBack ? .sentBack : .toEnter }
        guard let lastReview, reviewedAfterLastSubmission else { return formUnderReview ? .underReview : .submitted }
        switch lastReview {
        case .accepted, .corrected: return .accepted
        case .sentBack: return .sentBack
        }
    }

    /// Who the indicator waits on.
    public var waitingOn: String {
        switch self {
        case .toEnter, .sentBack: "etablissement"
        case .submitted, .underReview: "relecteur"
        case .accepted: ""
        }
    }

    public var description: String {
        switch self {
        case .toEnter: "à saisir"
        case .submitted: "soumis"
        case .underReview: "en revue"
        case .sentBack: "renvoyé"
        case .accepted: "accepté"
        }
    }
}
