import CAQESCore

/// Row problems (or notes) as a reader collects them: the first `limit` listed in full, the
/// others only counted, so that a file with a million bad rows is refused with a list a person
/// can read and a report that stays small.
struct ProblemList {
    let limit: Int
    /// `erreur` or `remarque`: the feminine noun of the closing line.
    let noun: String
    private(set) var listed: [RowProblem] = []
    /// Problems found beyond `limit`.
    private(set) var unlisted = 0

    init(limit: Int, noun: String = "erreur") {
        self.limit = max(0, limit)
        self.noun = noun
    }

    var isEmpty: Bool { listed.isEmpty && unlisted == 0 }

    mutating func append(_ problem: RowProblem) {
        if listed.count < limit { listed.append(problem) } else { unlisted += 1 }
    }

    mutating func append(contentsOf problems: [RowProblem]) {
        for problem in problems { append(problem) }
    }

    /// The listed problems, then, when some were not listed, one line saying how many.
    var all: [RowProblem] {
        unlisted == 0 ? listed : listed + [RowProblem.notListed(unlisted, noun: noun)]
    }
}

extension RowProblem {
    /// The closing line of a capped list: « … et 1 234 autres erreurs non listées ». Its line is
    /// `Int.max`, so it sorts after every line of the file; its description is its reason alone.
    public static func notListed(_ count: Int, noun: String = "erreur") -> RowProblem {
        let plural = count > 1 ? "s" : ""
        return RowProblem(line: .max, column: "", value: "",
                          reason: "… et \(ReadLimits.count(count)) autre\(plural) \(noun)\(plural) non listée\(plural)")
    }

    /// Whether this is the closing line of a capped list rather than a line of the file.
    public var isNotListedCount: Bool { line == .max }
}
