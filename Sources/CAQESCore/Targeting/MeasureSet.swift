import Foundation

/// Yearly measure values for a set of establishments, with each one's category and region.
///
/// Values are stored per (measure, year) column, one slot per establishment, so a formula reads
/// a value with one hash lookup and one array index. Missing is nil, never zero.
public struct MeasureSet: Sendable {
    /// One member of the set: its id (FINESS of the holder or site), category and region.
    public struct Member: Sendable, Hashable {
        public let subject: String
        /// Establishment category for `by: category` statistics (e.g. FINESS category `355`).
        public let category: String?
        /// INSEE region code, for regional populations.
        public let region: String?

        public init(subject: String, category: String? = nil, region: String? = nil) {
            self.subject = subject
            self.category = category
            self.region = region
        }
    }

    /// The columns of one measure, by year: `slots[year - firstYear]`, -1 where none.
    struct YearColumns: Sendable {
        var firstYear: Int
        var slots: [Int]

        func column(_ year: Int) -> Int? {
            let offset = year - firstYear
            guard offset >= 0, offset < slots.count, slots[offset] >= 0 else { return nil }
            return slots[offset]
        }

        mutating func set(_ column: Int, for year: Int) {
            if year < firstYear {
                slots = Array(repeating: -1, count: firstYear - year) + slots
                firstYear = year
            }
            let offset = year - firstYear
            if offset >= slots.count { slots += Array(repeating: -1, count: offset - slots.count + 1) }
            slots[offset] = column
        }
    }

    public private(set) var members: [Member] = []
    private(set) var indexBySubject: [String: Int] = [:]
    /// Column index by measure then year (one string hash per read); each column holds one slot
    /// per member.
    private(set) var columnIndex: [String: YearColumns] = [:]
    private(set) var columns: [[MeasureValue?]] = []

    public init(members: [Member] = []) {
        for member in members { add(member) }
    }

    /// Adds a member, or replaces the category and region of an existing one.
    public mutating func add(_ member: Member) {
        if let index = indexBySubject[member.subject] {
            members[index] = member
            return
        }
        indexBySubject[member.subject] = members.count
        members.append(member)
        for column in columns.indices { columns[column].append(nil) }
    }

    /// Records a value; adds the subject (without category or region) if it is not a member yet.
    public mutating func set(_ value: MeasureValue, measure: String, year: Int, for subject: String) {
        if indexBySubject[subject] == nil { add(Member(subject: subject)) }
        let index = indexBySubject[subject]!
        let column: Int
        if let existing = columnIndex[measure]?.column(year) {
            column = existing
        } else {
            column = columns.count
            columnIndex[measure, default: YearColumns(firstYear: year, slots: [])].set(column, for: year)
            columns.append(Array(repeating: nil, count: members.count))
        }
        columns[column][index] = value
    }

    /// Records a number, the common case for imports and tests.
    public mutating func set(_ number: Decimal, measure: String, year: Int, for subject: String, source: String? = nil) {
        set(MeasureValue(.number(number), source: source), measure: measure, year: year, for: subject)
    }

    /// The value of `measure` in `year` for `subject`, nil when missing.
    public func value(of measure: String, year: Int, for subject: String) -> MeasureValue? {
        guard let index = indexBySubject[subject] else { return nil }
        return value(at: index, measure: measure, year: year)
    }

    func value(at index: Int, measure: String, year: Int) -> MeasureValue? {
        guard let column = columnIndex[measure]?.column(year) else { return nil }
        return columns[column][index]
    }

    public func member(_ subject: String) -> Member? {
        indexBySubject[subject].map { members[$0] }
    }

    /// Evaluation contexts for year `year` over `population`: the set's members of that scope,
    /// sharing one statistics cache.
    public func frame(year: Int, referenceYear: Int?, population: CatalogueScope) -> MeasureFrame {
        MeasureFrame(set: self, year: year, referenceYear: referenceYear, population: population)
    }
}
