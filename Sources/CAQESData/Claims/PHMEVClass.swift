/// A drug class of the CAQES products-of-health indicators, as Open PHMEV rows are sorted into.
///
/// ATC rules follow DOMAIN B.7.3: IEC = C09A + C09B (combinations), ARA II = C09C + C09D,
/// IPP = A02BC, ezetimibe = C10AX09 + C10BA. C10BA is the whole "statin in combination" group, as
/// DOMAIN and the issue define it; it also holds a few non-ezetimibe combinations (C10BA03
/// pravastatin + fenofibrate, C10BA04, C10BA07, C10BA08, C10BA09): narrow `atcPrefixes` if the
/// CNAM specification says so.
public enum PHMEVClass: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case iec = 0
    case ara2 = 1
    case ipp = 2
    case ezetimibe = 3

    /// ATC code prefixes: a row belongs to the class when its most specific known ATC code starts
    /// with one of them.
    public var atcPrefixes: [String] {
        switch self {
        case .iec: ["C09A", "C09B"]
        case .ara2: ["C09C", "C09D"]
        case .ipp: ["A02BC"]
        case .ezetimibe: ["C10AX09", "C10BA"]
        }
    }

    /// Reimbursed amount (REM) of the class, in the catalogue's measure naming.
    public var amountMeasure: PHMEVMeasure { PHMEVMeasure(rawValue: "phev_\(code)_amount")! }
    /// Boxes (BOITES) of the class.
    public var boxesMeasure: PHMEVMeasure { PHMEVMeasure(rawValue: "phev_\(code)_boxes")! }

    var code: String {
        switch self {
        case .iec: "iec"
        case .ara2: "ara2"
        case .ipp: "ipp"
        case .ezetimibe: "ezetimibe"
        }
    }

    /// French name for reports.
    public var description: String {
        switch self {
        case .iec: "IEC (C09A, C09B)"
        case .ara2: "ARA II (C09C, C09D)"
        case .ipp: "IPP (A02BC)"
        case .ezetimibe: "ézétimibe (C10AX09, C10BA)"
        }
    }

    public static func < (lhs: PHMEVClass, rhs: PHMEVClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A measure computed from Open PHMEV: an amount in cents of euro or a number of boxes.
///
/// The catalogue's `phev_*_ucd` volumes cannot come from Open PHMEV, which gives boxes, amounts and
/// bases but no UCD counts: they need the Assurance Maladie's PHEV extraction per UCD.
public enum PHMEVMeasure: String, CaseIterable, Sendable, Comparable {
    case iecAmount = "phev_iec_amount"
    case iecBoxes = "phev_iec_boxes"
    case ara2Amount = "phev_ara2_amount"
    case ara2Boxes = "phev_ara2_boxes"
    case ippAmount = "phev_ipp_amount"
    case ippBoxes = "phev_ipp_boxes"
    case ezetimibeAmount = "phev_ezetimibe_amount"
    case ezetimibeBoxes = "phev_ezetimibe_boxes"

    /// Catalogue measures that Open PHMEV cannot give (no UCD column), for import reports.
    public static let notInOpenPHMEV = ["phev_ara2_ucd", "phev_iec_ucd", "phev_ezetimibe_ucd", "phev_statin_ucd"]

    /// The class the measure sums.
    public var drugClass: PHMEVClass { PHMEVClass(rawValue: index / 2)! }
    /// Whether the measure is an amount (cents), else boxes.
    public var isAmount: Bool { index % 2 == 0 }
    /// The file column it sums.
    public var column: String { isAmount ? "REM" : "BOITES" }

    /// Position in the accumulators: class × 2, + 1 for boxes.
    var index: Int { Self.allCases.firstIndex(of: self)! }

    static func at(_ index: Int) -> PHMEVMeasure { allCases[index] }

    public static func < (lhs: PHMEVMeasure, rhs: PHMEVMeasure) -> Bool { lhs.rawValue < rhs.rawValue }
}
