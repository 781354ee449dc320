/// The year a measure reference points at, relative to the evaluated year `N` or to the
/// catalogue's reference year `REF`.
public enum YearRef: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `N`, `N-1`, `N+1`…
    case n(offset: Int)
    /// `REF`, `REF+1`…
    case ref(offset: Int)

    /// As written in a formula: `N`, `N-1`, `REF+1`.
    public var description: String {
        let (base, offset): (String, Int) = switch self {
        case .n(let o): ("N", o)
        case .ref(let o): ("REF", o)
        }
        if offset == 0 { return base }
        return offset > 0 ? "\(base)+\(offset)" : "\(base)\(offset)"
    }
}

/// A measure read by a formula, with its relative year: `phev_ipp_amount[N-1]`.
public struct MeasureRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String
    public let yearOffset: YearRef

    public init(code: String, yearOffset: YearRef) {
        self.code = code
        self.yearOffset = yearOffset
    }

    public var description: String { "\(code)[\(yearOffset)]" }
}

/// A measure value that evaluation needed and the context did not have.
public struct MissingValue: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var code: String
    public var year: Int

    public init(code: String, year: Int) {
        self.code = code
        self.year = year
    }

    public static func < (a: MissingValue, b: MissingValue) -> Bool {
        (a.code, a.year) < (b.code, b.year)
    }

    /// `phev_ipp_amount (2023)`
    public var description: String { "\(code) (\(year))" }
}
